/**
 * `count` on-hand changes as the engine's changeOnHand takes them: event ids `{prefix}-{i}`, one unit
 * inbound at site 1, location 11, of products P0, P1, P2 in turn.
 */
export const onHandItems = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    input: {
      id: `${prefix}-${i}`,
      organizationId: 'usmf',
      productId: `P${i % 3}`,
      dimensions: { siteId: '1', locationId: '11' },
      quantities: { pos: { inbound: 1 } },
    },
    path: `/${i}`,
  }));
