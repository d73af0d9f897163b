import { expect } from 'vitest';
import type { Harness } from '../support/harness.js';
import { ENV, IMPEX } from './oci-helpers.js';

/** The reservation API of the test environment. */
export const RES = `/inventory/reservation/v1/organizations/${ENV}`;
/** Today (UTC), as a reservations export's fromDate. */
export const today = () => new Date().toISOString().slice(0, 10);
/** A timestamp of the reservations export: epoch milliseconds, as text. */
export const ms = expect.stringMatching(/^\d{13}$/);

/** Starts an export, runs the jobs, answers the file's lines (parsed). */
export async function exportOf(
  h: Harness,
  segment: string,
  body: unknown,
): Promise<Record<string, unknown>[]> {
  const started = await h.request('POST', `${IMPEX}/${segment}/exports`, body);
  expect(started.statusCode, started.body).toBe(200);
  const { exportId, exportStatusLink } = started.json() as { exportId: string; exportStatusLink: string };
  expect(exportStatusLink).toBe(`${IMPEX}/${segment}/exports/${exportId}/status`);
  const early = await h.request('GET', `${IMPEX}/${segment}/exports/${exportId}/file-content`);
  expect(early.statusCode).toBe(409);
  expect(early.json()).toMatchObject({ errorCode: 'ExportInProcess' });
  await h.services.engine.jobRunner.runPending();
  const status = await h.request('GET', exportStatusLink);
  expect(status.json()).toMatchObject({
    id: exportId,
    status: 'COMPLETED',
    validation: { fileHashType: 'SHA-256' },
  });
  const file = await h.request('GET', `${IMPEX}/${segment}/exports/${exportId}/file-content`);
  expect(file.statusCode).toBe(200);
  const lines = file.body === '' ? [] : file.body.trim().split('\n');
  expect((status.json() as { validation: { fileSize: number } }).validation.fileSize).toBe(
    Buffer.byteLength(file.body),
  );
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}
