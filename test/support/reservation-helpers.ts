import { expect } from 'vitest';
import { type LedgerJson, ledgerDeltaMicro, readLedger, toMicro } from '../api/api-helpers.js';
import type { Harness } from './harness.js';

/** Site and location of every reservation test: the default configuration partitions by them. */
export const AT = { siteId: '1', locationId: '11' } as const;
export const ORG = 'usmf';

/** A reserve request on the reserved physical measure of the default configuration (iv.softreserved). */
export function reserveBody(
  id: string,
  productId: string,
  quantity: number | string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    organizationId: ORG,
    productId,
    dimensions: { ...AT },
    quantityDataSource: 'iv',
    modifier: 'softreserved',
    quantity,
    ...extra,
  };
}

/** An on-hand change of pos measures at `dimensions` (site and location by default). */
export function stockBody(
  id: string,
  productId: string,
  quantities: Record<string, number | string>,
  dimensions: Record<string, string> = AT,
): Record<string, unknown> {
  return { id, organizationId: ORG, productId, dimensions, quantities: { pos: quantities } };
}

/** One reservation as GET …/onhand/reservations/{id} returns it. */
export interface ReservationJson {
  readonly reservationId: string;
  readonly dimensions: Record<string, string>;
  readonly quantity: number;
  readonly remaining: number;
  readonly status: 'open' | 'released' | 'expired';
  readonly expiresAt: string | null;
  readonly history: readonly { kind: string; eventId: string | null }[];
}

/**
 * A measure aggregated at `dimensions` (dimensions not given match any value), read through the index
 * query, in millionths. `dimensions` must hold siteId and locationId; the others are grouped by.
 */
export async function measureAt(
  h: Harness,
  environment: string,
  productId: string,
  dimensions: Record<string, string>,
  dataSource: string,
  measure: string,
): Promise<bigint> {
  const filters: Record<string, string[]> = { organizationId: [ORG], productId: [productId] };
  for (const [d, v] of Object.entries(dimensions)) filters[d] = [v];
  const groupByValues = Object.keys(dimensions).filter((d) => !/^(siteid|locationid)$/i.test(d));
  const res = await h.request('POST', `/api/environment/${environment}/onhand/indexquery`, {
    filters,
    groupByValues,
    returnNegative: true,
  });
  expect(res.statusCode, res.body).toBe(200);
  const rows = res.json() as { quantities: Record<string, Record<string, number>> }[];
  expect(rows.length).toBeLessThanOrEqual(1);
  const value = rows[0]?.quantities[dataSource]?.[measure];
  return value === undefined ? 0n : toMicro(value);
}

/** iv.availabletoreserve at `dimensions`, in millionths. */
export function afrAt(
  h: Harness,
  environment: string,
  productId: string,
  dimensions: Record<string, string> = AT,
): Promise<bigint> {
  return measureAt(h, environment, productId, dimensions, 'iv', 'availabletoreserve');
}

/**
 * Availability for reservation at a coarser `level` of a reservation made at `own`, computed from query
 * rows per exact tuple (grouped by every dimension below the location): tuples whose dimensions are a
 * subset of `own` (the reservation's own tuple and coarser reservations) count in full, every other
 * tuple only with what it has left (never below zero). In millionths.
 */
export async function pooledAfrAt(
  h: Harness,
  environment: string,
  productId: string,
  level: Record<string, string>,
  own: Record<string, string>,
): Promise<bigint> {
  const filters: Record<string, string[]> = { organizationId: [ORG], productId: [productId] };
  for (const [d, v] of Object.entries(level)) filters[d] = [v];
  const res = await h.request('POST', `/api/environment/${environment}/onhand/indexquery`, {
    filters,
    groupByValues: ['colorId', 'sizeId', 'styleId'],
    returnNegative: true,
  });
  expect(res.statusCode, res.body).toBe(200);
  const rows = res.json() as {
    dimensions: Record<string, string>;
    quantities: Record<string, Record<string, number>>;
  }[];
  const ownLower = Object.fromEntries(Object.entries(own).map(([d, v]) => [d.toLowerCase(), v]));
  let total = 0n;
  for (const row of rows) {
    const value = row.quantities.iv?.availabletoreserve;
    const available = value === undefined ? 0n : toMicro(value);
    const tuple = Object.entries(row.dimensions).filter(([, v]) => v !== '');
    const claimsPool = tuple.every(([d, v]) => ownLower[d.toLowerCase()] === v);
    total += claimsPool || available > 0n ? available : 0n;
  }
  return total;
}

/** iv.softreserved at `dimensions`, in millionths. */
export function reservedAt(
  h: Harness,
  environment: string,
  productId: string,
  dimensions: Record<string, string> = AT,
): Promise<bigint> {
  return measureAt(h, environment, productId, dimensions, 'iv', 'softreserved');
}

/** Millionths of whole units, for comparisons with measureAt. */
export const units = (n: number): bigint => BigInt(Math.round(n * 1_000_000));

function stockKey(c: {
  organizationId: string;
  productId: string;
  dimensions: Record<string, string>;
  dataSource: string;
  measure: string;
}): string {
  const dims = Object.entries(c.dimensions).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([c.organizationId, c.productId, dims, c.dataSource, c.measure]);
}

/** Sum of the ledger's change deltas per stored value (millionths), zeros left out. */
export function replay(ledger: readonly LedgerJson[]): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const entry of ledger) {
    for (const change of entry.changes) {
      const key = stockKey(change);
      sums.set(key, (sums.get(key) ?? 0n) + ledgerDeltaMicro(change.delta));
    }
  }
  for (const [key, value] of sums) if (value === 0n) sums.delete(key);
  return sums;
}

/** The stored values of an environment (millionths), zeros left out. */
export async function storedValues(h: Harness, environment: string): Promise<Map<string, bigint>> {
  const rows = await h.services.store.readStock(environment, { organizationIds: [ORG] });
  const values = new Map<string, bigint>();
  for (const row of rows) if (row.quantity !== 0n) values.set(stockKey(row), row.quantity);
  return values;
}

/** Asserts that replaying the environment's ledger gives exactly the stored quantities; returns the ledger. */
export async function expectStoreEqualsLedgerReplay(h: Harness, environment: string): Promise<LedgerJson[]> {
  const ledger = await readLedger(h, environment);
  const sorted = (m: Map<string, bigint>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  expect(sorted(await storedValues(h, environment))).toEqual(sorted(replay(ledger)));
  return ledger;
}
