import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Harness } from '../support/harness.js';

/** Base path of the environment every API test uses. */
export const ENV = '/api/environment/test';

/** One ledger entry as GET …/ledger returns it (only the fields the tests read). */
export interface LedgerJson {
  readonly seq: number;
  readonly position: number;
  readonly kind: string;
  readonly eventId: string | null;
  readonly partitionId: string;
  readonly changes: readonly {
    readonly organizationId: string;
    readonly productId: string;
    readonly dimensions: Record<string, string>;
    readonly dataSource: string;
    readonly measure: string;
    readonly delta: unknown;
  }[];
}

/** Every ledger entry of an environment, all pages. */
export async function readLedger(h: Harness, environment = 'test'): Promise<LedgerJson[]> {
  const entries: LedgerJson[] = [];
  let after = 0;
  for (;;) {
    const res = await h.request('GET', `/api/environment/${environment}/ledger?after=${after}&limit=1000`);
    expect(res.statusCode).toBe(200);
    const page = res.json() as LedgerJson[];
    entries.push(...page);
    if (page.length < 1000) return entries;
    after = page[page.length - 1]!.position;
  }
}

/**
 * Everything a bad request could have changed in environment "test": the ledger (every accepted
 * write appends to it), the partitions that hold data, the stock of the seeded product and the
 * configuration. Two equal snapshots mean nothing changed.
 */
export async function snapshot(h: Harness): Promise<unknown> {
  const partitions = await h.request('GET', `${ENV}/allpartitionids`);
  const stock = await h.request(
    'GET',
    `${ENV}/onhand?organizationId=usmf&productId=T-shirt&groupBy=colorId,sizeId`,
  );
  const configuration = await h.request('GET', `${ENV}/configuration`);
  return {
    ledger: await readLedger(h),
    partitions: partitions.json(),
    stock: stock.json(),
    configuration: configuration.json(),
  };
}

/** The expected shape of an error answer. */
export interface ExpectedError {
  readonly status: number;
  readonly code: string;
  /** JSON pointer (or "query:name", "header:name") of the bad field, when there is one. */
  readonly path?: string;
  /** The envelope's statusCode where the vendor records another number than the HTTP status. */
  readonly bodyStatus?: number;
}

/**
 * Asserts an error answer: HTTP status, stable code, a message, and the path of the bad field among
 * the details. Single-write envelopes (`processingStatus`) must also carry the status in statusCode.
 */
export function expectError(res: LightMyRequestResponse, expected: ExpectedError): void {
  const body = res.json() as {
    code?: string;
    message?: string;
    details?: { code: string; path: string; message: string }[];
    processingStatus?: string;
    statusCode?: number;
  };
  expect({ status: res.statusCode, code: body.code }).toEqual({
    status: expected.status,
    code: expected.code,
  });
  expect(typeof body.message).toBe('string');
  expect(body.message?.length).toBeGreaterThan(0);
  expect(Array.isArray(body.details)).toBe(true);
  if (body.processingStatus !== undefined) {
    expect(body.statusCode).toBe(expected.bodyStatus ?? expected.status);
    expect(body.processingStatus).toBe(expected.status === 409 ? 'conflict' : 'failure');
  }
  if (expected.path !== undefined) {
    expect(body.details?.map((d) => d.path)).toContain(expected.path);
  }
}

/** Parses a decimal (JSON number or string) into exact millionths. */
export function toMicro(value: number | string): bigint {
  const text = typeof value === 'number' ? value.toFixed(6) : value;
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const micro = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0').slice(0, 6) || '0');
  return m[1] ? -micro : micro;
}

/** A ledger delta (an exact decimal JSON number, like every quantity of the API) in millionths. */
export function ledgerDeltaMicro(delta: unknown): bigint {
  if (typeof delta === 'number' || typeof delta === 'string') return toMicro(delta);
  throw new Error(`unexpected ledger delta ${JSON.stringify(delta)}`);
}

/** One row of a query result. */
export interface RowJson {
  readonly organizationId?: string;
  readonly productId: string;
  readonly dimensions: Record<string, string>;
  readonly quantities: Record<string, Record<string, number>>;
}

/** The pos.inbound of the one row a query returns for a product (0 when no row). */
export async function inboundOf(h: Harness, productId: string, organizationId = 'usmf'): Promise<number> {
  const url = `${ENV}/onhand?organizationId=${encodeURIComponent(organizationId)}&productId=${encodeURIComponent(productId)}&siteId=1&locationId=11`;
  const res = await h.request('GET', url);
  expect(res.statusCode).toBe(200);
  const rows = res.json() as RowJson[];
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0]?.quantities.pos?.inbound ?? 0;
}

/** A copy of `value` without `key`. */
export function without<T extends Record<string, unknown>>(value: T, key: string): Record<string, unknown> {
  const { [key]: _removed, ...rest } = value;
  return rest;
}

/** The index query of the spec's T-shirt example: rows per colour at site 1, location 11. */
export const tshirtQuery = {
  filters: { organizationId: ['usmf'], productId: ['T-shirt'], siteId: ['1'], locationId: ['11'] },
  groupByValues: ['colorId'],
  returnNegative: true,
};
