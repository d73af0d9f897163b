import { afterAll, beforeAll, expect } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../../support/harness.js';
import { ENV } from '../api-helpers.js';

export const ONHAND = `${ENV}/onhand`;
export const BULK = `${ENV}/onhand/bulk`;
export const INDEX = `${ENV}/onhand/indexquery`;
export const EXACT = `${ENV}/onhand/exactquery`;
export const V2 = { 'api-version': '2.0' };

/*
 * The app of test/api/compatibility.test.ts and the helpers its tests share (the files beside this
 * one hold its tests by concept): one harness for the whole file (`h`, a live binding) and the ones
 * `fresh` starts for tests that change the configuration or delete partitions.
 */

export let h: Harness;
const started: Harness[] = [];

/** Starts the app before the file's tests and closes every harness after them (call once, at the top). */
export function useCompatApp(): void {
  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
    for (const harness of started) await harness.close();
  });
}

/** A harness of its own, for tests that change the configuration or delete partitions. */
export async function fresh(): Promise<Harness> {
  const harness = await startHarness();
  started.push(harness);
  return harness;
}

/** Posts one change event and expects it to succeed. */
export async function post(harness: Harness, id: string, overrides: Record<string, unknown>): Promise<void> {
  const res = await harness.request('POST', ONHAND, tshirtEvent(id, overrides));
  expect(res.json()).toEqual({ id, processingStatus: 'success', message: '', statusCode: 200 });
  expect(res.statusCode).toBe(200);
}

export const at = (siteId: string, locationId: string, more: Record<string, string> = {}) => ({
  dimensionDataSource: null,
  dimensions: { siteId, locationId, ...more },
});
