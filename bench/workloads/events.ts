/** Helpers that build request bodies for the workloads (JSON text, built once, sent many times). */

export const ORG = 'usmf';

/** One on-hand change event (pos.inbound) as JSON text; `id` may hold `[<id>]`. */
export function changeEvent(
  id: string,
  productId: string,
  dimensions: Record<string, string>,
  quantity: number,
): string {
  return JSON.stringify({
    id,
    organizationId: ORG,
    productId,
    dimensions,
    quantities: { pos: { inbound: quantity } },
  });
}

/**
 * `count` bulk bodies of `size` events each, spread over `products` products and 4 locations; each
 * event id is `[<id>]-n`, so with autocannon's id replacement every request carries fresh ids.
 */
export function bulkTemplates(count: number, size: number, products: number): string[] {
  return Array.from({ length: count }, (_, t) => {
    const events = Array.from({ length: size }, (_, i) => {
      const n = t * size + i;
      return changeEvent(
        `[<id>]-${i}`,
        `P${n % products}`,
        { siteId: '1', locationId: String(11 + (n % 4)), colorId: 'red' },
        1,
      );
    });
    return `[${events.join(',')}]`;
  });
}

/** Rotates over the given bodies. */
export function rotating(bodies: readonly string[]): () => string {
  let next = 0;
  return () => bodies[next++ % bodies.length] as string;
}

/** A reserve request of one unit at site 1, location 11, on iv.softreserved. */
export function reserveEvent(id: string, productId: string): string {
  return JSON.stringify({
    id,
    organizationId: ORG,
    productId,
    dimensions: { siteId: '1', locationId: '11' },
    quantityDataSource: 'iv',
    modifier: 'softreserved',
    quantity: 1,
  });
}
