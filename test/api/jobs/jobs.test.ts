import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../support/harness.js';
import { AT, measureAt, ORG, reserveBody, stockBody } from '../../support/reservation-helpers.js';
import { readLedger } from '../api-helpers.js';
import { freshToken } from '../schedule-helpers.js';

/**
 * The reservation resync job and getJobProgress (spec §2.8, #8 and #9) and the log-history extract
 * (§2.12, #23): jobs are stored, run by the job runner (driven here with runPending, as the server's
 * timer would), and resumed when the process that ran them died. SQLite here; PostgreSQL in the
 * api-on-postgres project.
 */

let now = new Date('2024-05-01T10:00:00Z');
let h: Harness;
const ENV = '/api/environment/jobs';

beforeAll(async () => {
  h = await startHarness({ clock: () => now, environments: ['jobs', 'logs'] });
  token = h.adminToken;
});
afterAll(() => h?.close());

let token: string;
/** Moves the clock, with a token that is valid then (tokens live an hour of clock time). */
async function setNow(iso: string): Promise<void> {
  now = new Date(iso);
  token = await freshToken(h);
}
const call = (method: string, url: string, body?: unknown) => h.request(method, url, body, { token });

const runJobs = () => h.services.engine.jobRunner.runPending();
const progress = async (jobId: string, env = ENV) => {
  const res = await call('GET', `${env}/getJobProgress?jobId=${encodeURIComponent(jobId)}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const startResync = async (body: unknown) => {
  const res = await call('POST', `${ENV}/onhand/reserve/resyncjob`, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().jobId as string;
};

describe('the reservation resync job', () => {
  it('releases every open reservation of the data sources, reports its progress, and records each release', async () => {
    for (const p of ['Mug', 'Cup']) {
      expect(
        (await h.request('POST', `${ENV}/onhand`, stockBody(`stock-${p}`, p, { inbound: 10 }))).statusCode,
      ).toBe(200);
    }
    const ids: string[] = [];
    for (const [id, p, q] of [
      ['r1', 'Mug', 2],
      ['r2', 'Mug', 3],
      ['r3', 'Cup', 4],
    ] as const) {
      const res = await h.request('POST', `${ENV}/onhand/reserve`, reserveBody(id, p, q));
      expect(res.statusCode, res.body).toBe(200);
      ids.push(res.json().reservationId);
    }
    expect(
      (
        await h.request('POST', `${ENV}/onhand/unreserve`, {
          id: 'u1',
          organizationId: ORG,
          productId: 'Mug',
          reservationId: ids[1],
          OffsetQty: 1,
        })
      ).statusCode,
    ).toBe(200);
    expect(await measureAt(h, 'jobs', 'Mug', AT, 'iv', 'softreserved')).toBe(4_000_000n);

    const jobId = await startResync(['IV']);
    expect(jobId).toMatch(/^ReservationResyncJob:[0-9a-f-]{36}$/);
    expect(await progress(jobId)).toMatchObject({
      jobId,
      status: 'Queued',
      startedAt: null,
      completedAt: null,
      attempts: 0,
    });
    expect(await runJobs()).toBe(1);
    expect(await progress(jobId)).toMatchObject({
      status: 'Completed',
      message: 'Released 3 open reservation(s) of iv.',
      startedAt: now.toISOString(),
      completedAt: now.toISOString(),
      kind: 'ReservationResyncJob',
      attempts: 1,
      progress: { released: 3, skipped: 0 },
    });
    expect(await measureAt(h, 'jobs', 'Mug', AT, 'iv', 'softreserved')).toBe(0n);
    expect(await measureAt(h, 'jobs', 'Cup', AT, 'iv', 'softreserved')).toBe(0n);
    for (const id of ids) {
      const res = await h.request('GET', `${ENV}/onhand/reservations/${id}`);
      expect(res.json()).toMatchObject({ remaining: 0, status: 'released' });
    }
    const tag = jobId.split(':')[1];
    const releases = (await readLedger(h, 'jobs')).filter((e) => e.eventId?.startsWith(`resync~${tag}~`));
    expect(releases.map((e) => e.eventId).sort()).toEqual(ids.map((id) => `resync~${tag}~${id}`).sort());

    // Nothing left to release: a second job completes with nothing done.
    const again = await startResync([]);
    await runJobs();
    expect(await progress(again)).toMatchObject({
      status: 'Completed',
      progress: { released: 0, skipped: 0 },
    });
  });

  it('is resumed when the process that claimed it stopped, without releasing anything twice', async () => {
    const res = await h.request('POST', `${ENV}/onhand/reserve`, reserveBody('r4', 'Mug', 1));
    const reservationId = res.json().reservationId as string;
    const jobId = await startResync([]);
    // A process claims the job, then dies (its lease runs out).
    const claimed = await h.services.store.jobs.claim(
      'dead-process',
      now.toISOString(),
      new Date(now.getTime() + 30_000).toISOString(),
    );
    expect(claimed?.jobId).toBe(jobId);
    expect(await runJobs()).toBe(0);
    expect(await progress(jobId)).toMatchObject({ status: 'Running', attempts: 1 });
    now = new Date(now.getTime() + 31_000);
    expect(await runJobs()).toBe(1);
    expect(await progress(jobId)).toMatchObject({
      status: 'Completed',
      attempts: 2,
      progress: { released: 1 },
    });
    const reservation = await h.request('GET', `${ENV}/onhand/reservations/${reservationId}`);
    expect(reservation.json()).toMatchObject({ remaining: 0, status: 'released' });
  });

  it('refuses unknown data sources, unknown jobs, a missing job id and a token without the admin role', async () => {
    const before = await readLedger(h, 'jobs');
    const bad = await h.request('POST', `${ENV}/onhand/reserve/resyncjob`, ['iv', 'nowhere']);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'unknown_data_source', details: [{ path: '/1' }] });
    expect((await h.request('POST', `${ENV}/onhand/reserve/resyncjob`, { iv: true })).json()).toMatchObject({
      code: 'invalid_type',
    });
    const writer = await h.tokenWithRole(['jobs'], 'write');
    expect(
      (await h.request('POST', `${ENV}/onhand/reserve/resyncjob`, [], { token: writer })).statusCode,
    ).toBe(403);
    expect(await runJobs()).toBe(0);
    expect(await readLedger(h, 'jobs')).toEqual(before);
    const unknown = await h.request('GET', `${ENV}/getJobProgress?jobId=ReservationResyncJob:nope`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'job_not_found' });
    expect((await h.request('GET', `${ENV}/getJobProgress`)).json()).toMatchObject({ code: 'missing_field' });
    const jobId = await startResync([]);
    await runJobs();
    // Tenants are walls: another environment does not see the job.
    expect((await h.request('GET', `/api/environment/logs/getJobProgress?jobId=${jobId}`)).statusCode).toBe(
      404,
    );
  });
});

describe('the log-history extract', () => {
  const LOGS = '/api/environment/logs';

  it('holds every change to the organization, product and dimensions between the two days, from the ledger', async () => {
    await setNow('2024-05-02T08:00:00Z');
    const write = async (body: Record<string, unknown>) => {
      const res = await call('POST', `${LOGS}/onhand`, body);
      expect(res.statusCode, res.body).toBe(200);
    };
    await write(stockBody('before', 'D0001', { inbound: 1 }));
    await setNow('2024-05-03T09:00:00Z');
    await write(stockBody('in-1', 'D0001', { inbound: 5, outbound: 2 }));
    await write(stockBody('other-product', 'D0002', { inbound: 7 }));
    await write(stockBody('other-site', 'D0001', { inbound: 7 }, { siteId: '2', locationId: '11' }));
    await write({ ...stockBody('other-org', 'D0001', { inbound: 7 }), organizationId: 'other' });
    const set = await call('POST', `${LOGS}/setonhand/pos/bulk`, [
      { ...stockBody('count-1', 'D0001', { inbound: 20.5 }) },
    ]);
    expect(set.statusCode, set.body).toBe(200);
    await setNow('2024-05-04T00:00:00Z');
    await write(stockBody('after', 'D0001', { inbound: 1 }));

    const start = await call('POST', `${LOGS}/logTransactionDetails`, {
      id: 'log-1',
      organizationId: ORG,
      UtcFromDate: '2024/5/3',
      UtcToDate: '2024/5/3',
      productId: 'D0001',
      dimensions: { SiteId: '1', LocationId: '11' },
    });
    expect(start.statusCode, start.body).toBe(200);
    const { jobId } = start.json();
    expect(jobId).toMatch(/^TransactionLoggingJob:/);
    const early = await call('GET', `${LOGS}/logTransactionDetails/${jobId}`);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'job_not_finished' });
    await runJobs();
    expect(await progress(jobId, LOGS)).toMatchObject({
      status: 'Completed',
      message: 'The extract holds 3 change(s).',
    });
    const extract = await call('GET', `${LOGS}/logTransactionDetails/${jobId}`);
    expect(extract.statusCode, extract.body).toBe(200);
    const row = {
      organizationId: ORG,
      productId: 'D0001',
      dimensions: { locationid: '11', siteid: '1' },
      dataSource: 'pos',
      clientId: 'test-admin',
    };
    expect(extract.json()).toMatchObject({
      jobId,
      truncated: false,
      rows: [
        {
          ...row,
          apiType: 'onhand.change',
          eventId: 'in-1',
          measure: 'inbound',
          quantity: 5,
          recordedAt: '2024-05-03T09:00:00.000Z',
        },
        { ...row, apiType: 'onhand.change', eventId: 'in-1', measure: 'outbound', quantity: 2 },
        { ...row, apiType: 'onhand.set', eventId: 'count-1', measure: 'inbound', quantity: 14.5 },
      ],
    });
    const positions = extract.json().rows.map((r: { position: number }) => r.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('refuses bad dates and ranges, and extracts of another kind of job', async () => {
    const body = { id: 'x', organizationId: ORG, UtcFromDate: '2024/5/3', UtcToDate: '2024/5/3' };
    for (const [change, code] of [
      [{ UtcFromDate: '2024/2/30' }, 'invalid_date'],
      [{ UtcToDate: 'yesterday' }, 'invalid_date'],
      [{ UtcFromDate: '2024-05-04' }, 'invalid_date_range'],
      [{ organizationId: undefined }, 'missing_field'],
    ] as const) {
      const res = await call('POST', `${LOGS}/logTransactionDetails`, { ...body, ...change });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe(code);
    }
    const resync = await call('POST', `${LOGS}/onhand/reserve/resyncjob`, []);
    const other = await call('GET', `${LOGS}/logTransactionDetails/${resync.json().jobId}`);
    expect(other.json()).toMatchObject({ code: 'job_not_found' });
  });
});
