import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { exportToFile } from '../../src/cli/export-command.js';
import { addDays, dateOf } from '../../src/domain/schedule/schedule-date.js';
import type { LedgerRecord } from '../../src/store/store.js';
import { enableAtp } from '../api/schedule-helpers.js';
import { type Harness, startHarness } from '../support/harness.js';
import { AT, ORG, reserveBody, stockBody } from '../support/reservation-helpers.js';

/*
 * The environment the transfer tests move (test/cli/transfer*.test.ts): written on the embedded SQLite
 * store with stock, counts, reservations, releases and scheduled values, then exported to a file.
 */

export const E = '/api/environment/test';

export const RED = { ...AT, colorId: 'red' };
export const BLUE = { siteId: '2', locationId: '21', colorId: 'blue' };
export const FIRST_EVENT = stockBody('move-1', 'shirt', { inbound: '12.5' }, RED);
// Schedule dates in the schedule period whatever the day the test runs (the servers use the real clock).
export const TOMORROW = addDays(dateOf(new Date()), 1);
export const LATER = addDays(TOMORROW, 2);
export const SCHEDULE_EVENT = {
  id: 'sched-1',
  organizationId: ORG,
  productId: 'shirt',
  dimensions: RED,
  quantitiesByDate: {
    [TOMORROW]: { pos: { inbound: 4 }, iv: { ordered: '2.5' } },
    [LATER]: { pos: { inbound: '-1.25' } },
  },
};
// The ledger counts the configuration.updated entry of the hard update too.
export const COUNTS = { stock: 6, schedule: 5, reservations: 3, oci: 0, ledger: 14 };

/** The source harness and its export file, made before the enclosing file's tests (beforeAll). */
export interface ExportedSource {
  readonly source: Harness;
  /** A folder for the test's files, removed after them. */
  readonly dir: string;
  /** The export of environment `test`. */
  readonly file: string;
}

export function useExportedSource(): ExportedSource {
  const dir = mkdtempSync(join(tmpdir(), 'onhand-transfer-'));
  const file = join(dir, 'test.ndjson');
  let source: Harness | undefined;
  beforeAll(async () => {
    const h = await startHarness({ backend: 'sqlite' });
    source = h;
    await enableAtp(h, 'test', h.adminToken);
    const ok = async (path: string, body: unknown) => {
      const res = await h.request('POST', `${E}${path}`, body);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Record<string, unknown>;
    };
    await ok('/onhand', FIRST_EVENT);
    await ok('/onhand/bulk', [
      stockBody('move-2', 'shirt', { inbound: 7, outbound: '0.333333' }, BLUE),
      stockBody('move-3', 'trousers', { inbound: 20 }, AT),
      stockBody('move-4', 'shirt', { inbound: 3 }, AT),
    ]);
    const counted = await ok('/setonhand/pos/bulk', [
      {
        ...stockBody('count-1', 'trousers', { inbound: 18 }, AT),
        modifiedDateTimeUTC: '2026-01-01T10:00:00Z',
      },
    ]);
    expect(counted.success).toHaveLength(1);
    const reserved = new Map<string, string>();
    for (const [id, qty] of [
      ['res-kept', 2],
      ['res-released', 5],
      ['res-partial', 4],
    ] as const) {
      const body = await ok('/onhand/reserve', reserveBody(id, 'trousers', qty));
      reserved.set(id, String(body.reservationId));
    }
    const unreserve = (id: string, reservationId: string, OffsetQty: number) =>
      ok('/onhand/unreserve', { id, organizationId: ORG, productId: 'trousers', reservationId, OffsetQty });
    await unreserve('unres-1', reserved.get('res-released') ?? '', 5);
    await unreserve('unres-2', reserved.get('res-partial') ?? '', 1.5);
    await ok('/onhand/changeschedule', SCHEDULE_EVENT);
    await ok('/onhand/changeschedule/bulk', [
      {
        id: 'sched-2',
        organizationId: ORG,
        productId: 'trousers',
        dimensions: AT,
        quantitiesByDate: { [TOMORROW]: { pos: { inbound: 10 } } },
      },
      {
        id: 'sched-3',
        organizationId: ORG,
        productId: 'shirt',
        dimensions: BLUE,
        quantitiesByDate: { [LATER]: { pos: { outbound: '0.5' } } },
      },
    ]);
    const summary = await exportToFile(h.services.store, 'test', file);
    expect(summary).toEqual({ ...COUNTS, position: await h.services.store.feed.head() });
  });

  afterAll(async () => {
    await source?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  return {
    get source() {
      if (!source) throw new Error('the source is made in beforeAll');
      return source;
    },
    dir,
    file,
  };
}

/** What a user sees of an environment, with seqs (which an import renumbers) left out. */
export async function viewOf(h: Harness, env = 'test') {
  const base = `/api/environment/${env}`;
  const query = await h.request('POST', `${base}/onhand/indexquery`, {
    filters: { organizationId: [ORG], productId: ['shirt', 'trousers'], siteId: [], locationId: [] },
    groupByValues: ['colorId'],
    returnNegative: true,
  });
  expect(query.statusCode, query.body).toBe(200);
  const atp = await h.request('POST', `${base}/onhand/indexquery`, {
    filters: { organizationId: [ORG], productId: ['shirt', 'trousers'], siteId: [], locationId: [] },
    groupByValues: ['colorId', 'sizeId'],
    returnNegative: true,
    QueryATP: true,
  });
  expect(atp.statusCode, atp.body).toBe(200);
  const configuration = await h.request('GET', `${base}/configuration`);
  expect(configuration.statusCode).toBe(200);
  const schedule = await h.services.store.exportSchedule(env, null, 1000);
  const ledger = (await h.services.store.readLedger(env, 0, 1000)).map(withoutSeq);
  const reservations = [];
  const ids = new Set(ledger.filter((e) => e.kind.includes('reserve')).map((e) => e.reference));
  for (const id of ids) {
    const res = await h.request('GET', `${base}/onhand/reservations/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json() as { history: { seq?: number }[] };
    reservations.push({ ...view, history: view.history.map(({ seq: _, ...rest }) => rest) });
  }
  const { environmentId: _, ...config } = configuration.json() as Record<string, unknown>;
  return {
    rows: query.json() as unknown,
    atp: atp.json() as unknown,
    configuration: config,
    schedule,
    ledger,
    reservations,
  };
}

function withoutSeq({ seq: _, environmentId: __, ...rest }: LedgerRecord) {
  return rest;
}
