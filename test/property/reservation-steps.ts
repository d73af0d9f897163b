import fc from 'fast-check';

/*
 * The model of the reservation property test (reservations.property.test.ts): the product and the
 * dimension tuples it writes at, and the random steps it runs.
 */

export const PRODUCT = 'P';
/**
 * Reservation and stock dimensions: three levels of one location along the hierarchy, and a second
 * location, including a size without a colour (a subset of the hierarchy that is not a prefix).
 */
export const TUPLES: readonly Record<string, string>[] = [
  { siteId: '1', locationId: '11' },
  { siteId: '1', locationId: '11', colorId: 'red' },
  { siteId: '1', locationId: '11', colorId: 'blue' },
  { siteId: '1', locationId: '11', colorId: 'red', sizeId: 'S' },
  { siteId: '1', locationId: '11', sizeId: 'S' },
  { siteId: '1', locationId: '12', colorId: 'red' },
];

/**
 * The dimensions themselves and every coarser level they belong to: each subset of the dimensions
 * beyond site and location (design rule 1 holds at each).
 */
export function levelsOf(dims: Record<string, string>): Record<string, string>[] {
  const { siteId, locationId, ...rest } = dims;
  const partition = { siteId: siteId!, locationId: locationId! };
  let levels: Record<string, string>[] = [partition];
  for (const [d, v] of Object.entries(rest)) levels = levels.flatMap((l) => [l, { ...l, [d]: v }]);
  return levels;
}

const tuple = fc.nat({ max: TUPLES.length - 1 });
const halves = (max: number) => fc.integer({ min: 1, max: max * 2 }).map((n) => n / 2);
const ref = fc.nat({ max: 1000 });

export type Step =
  | { kind: 'reserve'; at: number; qty: number; check: boolean; ttl: number | null }
  | { kind: 'release'; at: number; qty: number }
  | { kind: 'unreserve'; ref: number | null; qty: number }
  | { kind: 'offset'; ref: number | null; at: number; qty: number; deducted: number }
  | { kind: 'advance'; seconds: number }
  | { kind: 'extend'; ref: number; ttl: number }
  | { kind: 'stock'; at: number; measure: 'inbound' | 'outbound'; delta: number }
  | { kind: 'retry'; ref: number };

export const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      at: tuple,
      qty: halves(5),
      check: fc.nat({ max: 3 }).map((n) => n > 0),
      ttl: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), at: tuple, qty: halves(4) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('unreserve' as const),
      ref: fc.option(ref, { nil: null, freq: 8 }),
      qty: halves(6),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('offset' as const),
      ref: fc.option(ref, { nil: null, freq: 2 }),
      at: tuple,
      qty: halves(4),
      deducted: halves(4),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      seconds: fc.integer({ min: 1, max: 90 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extend' as const),
      ref,
      ttl: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('stock' as const),
      at: tuple,
      measure: fc.constantFrom('inbound' as const, 'outbound' as const),
      delta: fc.integer({ min: -6, max: 12 }).filter((n) => n !== 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), ref }) },
);

export interface Known {
  readonly id: string;
  readonly at: number;
}

export interface Sent {
  readonly url: string;
  readonly body: unknown;
  readonly answer: unknown;
}
