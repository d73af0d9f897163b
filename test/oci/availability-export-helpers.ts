import { expect } from 'vitest';
import type { Harness } from '../support/harness.js';
import { AV, IMPEX } from './oci-helpers.js';

/* What the availability export and get-deltas tests share (test/oci/export-deltas*.test.ts). */

/** Starts an export, runs the jobs, and answers the file's lines (parsed). */
export async function exportOf(h: Harness, objects: unknown): Promise<Record<string, unknown>[]> {
  const started = await h.request('POST', `${IMPEX}/availability-records/exports`, { objects });
  expect(started.statusCode, started.body).toBe(200);
  const { exportId } = started.json() as { exportId: string };
  await h.services.engine.jobRunner.runPending();
  const status = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/status`);
  expect(status.json()).toMatchObject({ id: exportId, status: 'COMPLETED' });
  const file = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/file-content`);
  expect(file.statusCode).toBe(200);
  return file.body
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export async function deltas(h: Harness, deltaToken: unknown) {
  const response = await h.request('POST', `${AV}/availability-records/actions/get-deltas`, { deltaToken });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

/** An IV on-hand change of `sku` at `location` (site and location of the same id). */
export const ivDelivery = (id: string, sku: string, location: string, quantity: number) => ({
  id,
  organizationId: 'usmf',
  productId: sku,
  dimensions: { siteId: location, locationId: location },
  quantities: { iom: { onhand: quantity } },
});
