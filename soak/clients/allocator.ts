import { type ClientContext, HOT, loop, ORG, TAIL } from './context.js';

const GROUPS = [{ channel: 'web' }, { channel: 'store' }, { channel: 'web', customerGroup: 'vip' }];

/**
 * Allocations on the hot products (allocate, unallocate, reallocate, consume, each checked against the
 * pool the checkouts draw from too) and a planner's change schedules on the long tail.
 */
export async function runAllocator(ctx: ClientContext, name = 'allocator'): Promise<void> {
  let n = 0;
  await loop(
    ctx,
    () => ctx.rng.int(50, 200),
    async () => {
      n++;
      const tuple = ctx.rng.pick(HOT);
      const groups = ctx.rng.pick(GROUPS);
      const base = {
        id: `${ctx.run}-${name}-${n}`,
        organizationId: ORG,
        productId: tuple.productId,
        dimensions: tuple.dimensions,
        groups,
        quantity: 1,
      };
      const roll = ctx.rng.next();
      const [op, body] =
        roll < 0.45
          ? ['allocate', base]
          : roll < 0.6
            ? ['unallocate', base]
            : roll < 0.75
              ? ['reallocate', { ...base, sourceGroups: ctx.rng.pick(GROUPS.filter((g) => g !== groups)) }]
              : [
                  'consume',
                  ctx.rng.chance(0.5)
                    ? { ...base, physicalMeasures: { pos: { outbound: 'Addition' } } }
                    : base,
                ];
      await ctx.api.send({
        client: name,
        op,
        family: op,
        method: 'POST',
        path: `/allocation/${op}`,
        body,
        ids: [base.id],
      });
    },
  );
}

/** A planner posting change schedules (receipts expected in the coming days) for the long tail. */
export async function runPlanner(ctx: ClientContext, name = 'planner'): Promise<void> {
  let n = 0;
  const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
  await loop(
    ctx,
    () => ctx.rng.int(300, 800),
    async () => {
      n++;
      const tuple = ctx.rng.pick(TAIL);
      const body = {
        id: `${ctx.run}-${name}-${n}`,
        organizationId: ORG,
        productId: tuple.productId,
        dimensions: tuple.dimensions,
        quantitiesByDate: {
          [day(ctx.rng.int(1, 3))]: { pos: { inbound: ctx.rng.int(1, 30) } },
          [day(ctx.rng.int(4, 6))]: { pos: { outbound: ctx.rng.int(1, 10) } },
        },
      };
      await ctx.api.send({
        client: name,
        op: 'changeschedule',
        family: 'changeschedule',
        method: 'POST',
        path: '/onhand/changeschedule',
        body,
        ids: [body.id],
      });
    },
  );
}

/** Index and exact queries on the hot products and the long tail, as a storefront and a report would. */
export async function runReader(ctx: ClientContext, name = 'reader'): Promise<void> {
  await loop(
    ctx,
    () => ctx.rng.int(30, 150),
    async () => {
      const exact = ctx.rng.chance(0.3);
      const tuple = ctx.rng.pick(exact ? HOT : TAIL);
      const body = exact
        ? {
            filters: {
              organizationId: [ORG],
              productId: [tuple.productId],
              siteId: ['1'],
              locationId: ['11'],
            },
            groupByValues: ['colorId'],
            returnNegative: true,
          }
        : {
            filters: { organizationId: [ORG], productId: [tuple.productId] },
            groupByValues: ['locationId'],
            returnNegative: true,
          };
      await ctx.api.send({
        client: name,
        op: 'query',
        method: 'POST',
        path: '/onhand/indexquery',
        body,
        retryForMs: 0,
      });
    },
  );
}
