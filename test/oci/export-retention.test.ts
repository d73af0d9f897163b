import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/settings.js';
import { testBackends } from '../support/backends.js';
import { ADMIN_ID, ADMIN_SECRET, type Harness, startHarness } from '../support/harness.js';
import { ARIZONA, ENV, IMPEX, uploadGraph } from './oci-helpers.js';

const HOUR = 3600 * 1000;

/**
 * Finished OCI exports (their jobs and files) are deleted ONHAND_OCI_EXPORT_RETENTION_HOURS after
 * they finished (docs/configuration.md); unfinished ones and younger ones stay.
 */
describe.each(testBackends())('OCI export retention on %s', (backend) => {
  let h: Harness;
  let now = Date.parse('2026-12-03T10:00:00.000Z');
  beforeAll(async () => {
    h = await startHarness({
      backend,
      environments: [ENV],
      clock: () => new Date(now),
      env: { ONHAND_OCI_EXPORT_RETENTION_HOURS: '48' },
    });
    await uploadGraph(h, ARIZONA);
  });
  afterAll(async () => {
    await h.close();
  });

  // Tokens live an hour: a fresh one after the clock moved.
  let token: string | undefined;
  const renew = async () => {
    const r = await h.request('POST', '/oauth2/token', undefined, {
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: `grant_type=client_credentials&client_id=${ADMIN_ID}&client_secret=${ADMIN_SECRET}`,
    });
    token = (r.json() as { access_token: string }).access_token;
  };
  const as = () => (token === undefined ? {} : { token });
  const start = async (path: string, body: unknown) => {
    const r = await h.request('POST', `${IMPEX}/${path}`, body, as());
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { exportId: string }).exportId;
  };
  const status = async (path: string, id: string) =>
    (await h.request('GET', `${IMPEX}/${path}/${id}/status`, undefined, as())).statusCode;
  const file = async (path: string, id: string) =>
    (await h.request('GET', `${IMPEX}/${path}/${id}/file-content`, undefined, as())).statusCode;

  it('deletes finished exports once their retention is over, and nothing else', async () => {
    const availability = await start('availability-records/exports', { objects: { groups: ['arizona'] } });
    const reservations = await start('reservations/exports', { fromDate: '2026-12-01', status: 'open' });
    const events = await start('event-log/exports', { sku: 'sku123', startsOn: '2026-12-01' });
    await h.services.engine.jobRunner.runPending();
    const done = [
      ['availability-records/exports', availability],
      ['reservations/exports', reservations],
      ['event-log/exports', events],
    ] as const;
    for (const [path, id] of done) expect(await file(path, id)).toBe(200);

    // Submitted later and never run: not finished, so never swept.
    now += HOUR;
    await renew();
    const waiting = await start('reservations/exports', { fromDate: '2026-12-01', status: 'closed' });

    // After a day the files have expired (410), but the exports are still there.
    now += 24 * HOUR;
    await renew();
    expect(await h.services.engine.ociExportRetention.sweep()).toBe(0);
    for (const [path, id] of done) {
      expect(await file(path, id)).toBe(410);
      expect(await status(path, id)).toBe(200);
    }

    // 48 hours after they finished: deleted, and answered 404 from then on.
    now += 24 * HOUR;
    await renew();
    expect(await h.services.engine.ociExportRetention.sweep()).toBe(3);
    for (const [path, id] of done) {
      expect(await status(path, id)).toBe(404);
      const gone = await h.request('GET', `${IMPEX}/${path}/${id}/file-content`, undefined, as());
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toMatchObject({ errorCode: 'EntityNotFound' });
    }
    expect(await status('reservations/exports', waiting)).toBe(200);
    expect(await h.services.engine.ociExportRetention.sweep()).toBe(0);
  });
});

describe('ONHAND_OCI_EXPORT_RETENTION_HOURS', () => {
  it('is 72 hours by default, at least 24 (files are served for 24 hours) and at most a year', () => {
    expect(loadSettings({ data: '/tmp/x' }, {}).ociExportRetentionHours).toBe(72);
    expect(
      loadSettings({ data: '/tmp/x' }, { ONHAND_OCI_EXPORT_RETENTION_HOURS: '24' }).ociExportRetentionHours,
    ).toBe(24);
    expect(() => loadSettings({ data: '/tmp/x' }, { ONHAND_OCI_EXPORT_RETENTION_HOURS: '23' })).toThrow(
      /ONHAND_OCI_EXPORT_RETENTION_HOURS/,
    );
    expect(() => loadSettings({ data: '/tmp/x' }, { ONHAND_OCI_EXPORT_RETENTION_HOURS: '8761' })).toThrow(
      /ONHAND_OCI_EXPORT_RETENTION_HOURS/,
    );
  });
});
