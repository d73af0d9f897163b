import { afterAll, beforeAll, expect } from 'vitest';
import type { AllocationRecordJson } from '../../support/allocation-helpers.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { AT, stockBody } from '../../support/reservation-helpers.js';
import { ENV, readLedger } from '../api-helpers.js';

/*
 * The app of test/api/allocation.test.ts and the helpers its tests share (the files beside this one
 * hold its tests by concept): one harness for the whole file (`h`, a live binding).
 */

export let h: Harness;

/** Starts the app before the file's tests and closes it after them (call once, at the file's top). */
export function useAllocationApp(): void {
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());
}

export const post = (path: string, body: unknown) => h.request('POST', `${ENV}${path}`, body);
export const allocate = (body: unknown) => post('/allocation/allocate', body);

let stocked = 0;
export async function stock(productId: string, inbound: number, dimensions: Record<string, string> = AT) {
  const res = await post(
    '/onhand',
    stockBody(`stock-${productId}-${++stocked}`, productId, { inbound }, dimensions),
  );
  expect(res.statusCode, res.body).toBe(200);
}

export async function ok(path: string, body: Record<string, unknown>) {
  const res = await post(path, body);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toEqual({ id: body.id, processingStatus: 'success', message: '', statusCode: 200 });
  return res;
}

/** A refused write: processingStatus failure, the code, the path of the bad field, nothing changed. */
export async function refused(path: string, body: unknown, status: number, code: string, field?: string) {
  const before = await readLedger(h);
  const res = await post(path, body);
  expect(res.statusCode, res.body).toBe(status);
  const json = res.json() as Record<string, unknown> & { details: { path: string }[] };
  expect(json.code, res.body).toBe(code);
  expect(typeof json.message).toBe('string');
  if (json.processingStatus !== undefined) {
    expect(json.processingStatus).toBe('failure');
    expect(json.statusCode).toBe(status);
  }
  if (field !== undefined) expect(json.details.map((d) => d.path)).toContain(field);
  expect((await readLedger(h)).length).toBe(before.length);
  return json;
}

export const only = (records: AllocationRecordJson[]) => {
  expect(records).toHaveLength(1);
  return records[0]!;
};
