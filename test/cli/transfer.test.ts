import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/commands.js';
import { exportToFile } from '../../src/cli/export-command.js';
import { importFromFile } from '../../src/cli/import-command.js';
import { ProgressBar } from '../../src/cli/progress-bar.js';
import { addDays, dateOf } from '../../src/domain/schedule/schedule-date.js';
import type { LedgerRecord } from '../../src/store/store.js';
import { enableAtp } from '../api/schedule-helpers.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { AT, ORG, reserveBody, stockBody } from '../support/reservation-helpers.js';

/*
 * Moving house: an environment exported from the embedded SQLite store and imported into a fresh store
 * of every backend answers queries (ATP included), reservations, scheduled values, the ledger and
 * retries as it did before the move.
 */

const E = '/api/environment/test';
const dir = mkdtempSync(join(tmpdir(), 'onhand-transfer-'));
const file = join(dir, 'test.ndjson');
let source: Harness;

const RED = { ...AT, colorId: 'red' };
const BLUE = { siteId: '2', locationId: '21', colorId: 'blue' };
const FIRST_EVENT = stockBody('move-1', 'shirt', { inbound: '12.5' }, RED);
// Schedule dates in the schedule period whatever the day the test runs (the servers use the real clock).
const TOMORROW = addDays(dateOf(new Date()), 1);
const LATER = addDays(TOMORROW, 2);
const SCHEDULE_EVENT = {
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
const COUNTS = { stock: 6, schedule: 5, reservations: 3, oci: 0, ledger: 14 };

beforeAll(async () => {
  source = await startHarness({ backend: 'sqlite' });
  await enableAtp(source, 'test', source.adminToken);
  const ok = async (path: string, body: unknown) => {
    const res = await source.request('POST', `${E}${path}`, body);
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
    { ...stockBody('count-1', 'trousers', { inbound: 18 }, AT), modifiedDateTimeUTC: '2026-01-01T10:00:00Z' },
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
  const summary = await exportToFile(source.services.store, 'test', file);
  expect(summary).toEqual({ ...COUNTS, position: await source.services.store.feed.head() });
});

afterAll(async () => {
  await source?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a user sees of an environment, with seqs (which an import renumbers) left out. */
async function viewOf(h: Harness, env = 'test') {
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

describe.each(testBackends())('an environment exported from SQLite and imported into %s', (backend) => {
  let target: Harness;
  beforeAll(async () => {
    target = await startHarness({ backend, environments: [] });
    const summary = await importFromFile(target.services.store, file);
    expect(summary).toEqual({ environmentId: 'test', counts: COUNTS });
  });
  afterAll(async () => {
    await target?.close();
  });

  it('answers queries, configuration, scheduled values, ledger and reservations exactly as before the move', async () => {
    const before = await viewOf(source);
    expect(before.reservations).toHaveLength(3);
    expect(before.schedule).toHaveLength(COUNTS.schedule);
    const dated = before.ledger.flatMap((e) => e.changes).filter((c) => c.date !== undefined);
    expect(dated.map((c) => c.date).sort()).toEqual([TOMORROW, TOMORROW, TOMORROW, LATER, LATER]);
    expect(await viewOf(target)).toEqual(before);
    const stored = (h: Harness) => h.services.store.getEnvironment('test');
    expect(await stored(target)).toEqual(await stored(source));
  });

  it('recognises a retry of an event posted before the move and applies nothing', async () => {
    const before = await viewOf(target);
    const retry = await target.request('POST', `${E}/onhand`, FIRST_EVENT);
    expect(retry.statusCode, retry.body).toBe(200);
    const sameOnSource = await source.request('POST', `${E}/onhand`, FIRST_EVENT);
    expect(retry.json()).toEqual(sameOnSource.json());
    expect(await viewOf(target)).toEqual(before);
    const reused = await target.request('POST', `${E}/onhand`, { ...FIRST_EVENT, productId: 'other' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({ processingStatus: 'conflict', code: 'event_id_conflict' });
    expect(await viewOf(target)).toEqual(before);
  });

  it('recognises a retry of a change schedule posted before the move and schedules nothing more', async () => {
    const before = await viewOf(target);
    const retry = await target.request('POST', `${E}/onhand/changeschedule`, SCHEDULE_EVENT);
    expect(retry.statusCode, retry.body).toBe(200);
    const sameOnSource = await source.request('POST', `${E}/onhand/changeschedule`, SCHEDULE_EVENT);
    expect(retry.json()).toEqual(sameOnSource.json());
    expect(await viewOf(target)).toEqual(before);
  });

  it('imports a file of the previous release: no schedule records and no schedule count', async () => {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    const isScheduled = (l: string) => l.includes('"type":"schedule"') || l.includes('"date":');
    const old = all.filter((l) => !isScheduled(l));
    const ledger = old.filter((l) => l.includes('"type":"ledger"')).length;
    old[old.length - 1] = JSON.stringify({ type: 'end', counts: { stock: 6, reservations: 3, ledger } });
    const path = join(dir, `previous-release-${backend}.ndjson`);
    writeFileSync(path, `${old.join('\n')}\n`);
    expect(await importFromFile(target.services.store, path, 'old')).toEqual({
      environmentId: 'old',
      counts: { stock: 6, schedule: 0, reservations: 3, oci: 0, ledger: 11 },
    });
    const [original, imported] = [await viewOf(source), await viewOf(target, 'old')];
    expect(imported.schedule).toEqual([]);
    expect(imported.rows).toEqual(original.rows);
    expect(imported.reservations).toEqual(original.reservations);
    expect(imported.ledger).toEqual(original.ledger.filter((e) => e.kind !== 'schedule.change'));
  });

  it('keeps working after the move: new writes get seqs after the imported ones', async () => {
    const res = await target.request(
      'POST',
      `${E}/onhand`,
      stockBody('after-move', 'shirt', { inbound: 1 }, RED),
    );
    expect(res.statusCode, res.body).toBe(200);
    const ledger = await target.services.store.readLedger('test', 0, 1000);
    expect(ledger.at(-1)?.eventId).toBe('after-move');
    expect(ledger.map((e) => e.seq)).toEqual([...ledger.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it('refuses to import into an environment that exists, and imports under another id', async () => {
    await expect(importFromFile(target.services.store, file)).rejects.toThrow(
      'Environment "test" already exists; import into a new id with --environment NEWID.',
    );
    await importFromFile(target.services.store, file, 'Copy');
    const [original, copy] = [await viewOf(source), await viewOf(target, 'copy')];
    expect(copy).toEqual(original);
    expect((await target.services.store.getEnvironment('copy'))?.configuration).toMatchObject({
      environmentId: 'copy',
    });
  });
});

describe('a file that is not a complete export is refused and nothing is imported', () => {
  let target: Harness;
  const lines = () => readFileSync(file, 'utf8').trimEnd().split('\n');
  const refused = async (name: string, content: string, message: string | RegExp) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    await expect(importFromFile(target.services.store, path)).rejects.toThrow(message);
    expect(await target.services.store.getEnvironment('test')).toBeUndefined();
    expect(await target.services.store.hasStock('test')).toBe(false);
    expect(await target.services.store.readLedger('test', 0, 10)).toEqual([]);
    expect(await target.services.store.exportSchedule('test', null, 10)).toEqual([]);
  };
  /** The lines of the export with the first schedule record changed by `edit`. */
  const withSchedule = (edit: (record: Record<string, unknown>) => Record<string, unknown>) => {
    const all = lines();
    const at = all.findIndex((l) => l.includes('"type":"schedule"'));
    all[at] = JSON.stringify(edit(JSON.parse(all[at] ?? '') as Record<string, unknown>));
    return { text: all.join('\n'), line: at + 1 };
  };
  beforeAll(async () => {
    target = await startHarness({ environments: [] });
  });
  afterAll(async () => {
    await target?.close();
  });

  it('a truncated file (no end record)', async () => {
    await refused(
      'truncated.ndjson',
      `${lines().slice(0, -3).join('\n')}\n`,
      `ends at line ${lines().length - 3} without its "end" record: it is truncated`,
    );
  });

  it('a malformed line, with its line number', async () => {
    const broken = lines();
    broken[4] = '{"type":"stock", "quantity": 12';
    await refused('malformed.ndjson', broken.join('\n'), 'Line 5: not valid JSON');
    const badQty = lines().map((l, i) => (i === 3 ? l.replace(/"quantity":"[^"]*"/, '"quantity":12.5') : l));
    await refused('quantity.ndjson', badQty.join('\n'), 'Line 4: "quantity" must be a decimal string');
  });

  it('counts that do not match the end record, and records out of order', async () => {
    const missing = lines().filter((_, i) => i !== 2);
    await refused(
      'missing.ndjson',
      missing.join('\n'),
      `Line ${missing.length}: the end record counts 6 stock records but the file holds 5.`,
    );
    const swapped = lines();
    [swapped[2], swapped[9]] = [swapped[9] ?? '', swapped[2] ?? ''];
    await refused('swapped.ndjson', swapped.join('\n'), 'Line 4: a "stock" record is out of place');
    await refused('other.ndjson', '{"hello":"world"}\n', 'Line 1: unknown record type undefined');
  });

  it('a malformed schedule record, or a ledger change with a malformed date', async () => {
    for (const [name, edit, message] of [
      ['no-day', { date: '2026-02-30' }, '"date" must be a date such as "2023-09-26" (yyyy-MM-dd).'],
      ['slashes', { date: '2026/03/01' }, '"date" must be a date such as'],
      ['no-date', { date: undefined }, '"date" must be a date such as'],
      ['number', { quantity: 4 }, '"quantity" must be a decimal string such as "12.5".'],
      ['inexact', { quantity: '4.0000001' }, '"quantity" must be a decimal string'],
      ['huge', { quantity: '99999999999999999999' }, '"quantity" must be a decimal string'],
      ['zero', { quantity: '-0' }, '"quantity" of a scheduled value must not be 0.'],
      ['no-org', { organizationId: '' }, '"organizationId" must be a non-empty string.'],
      ['dims', { dimensions: { colorid: 1 } }, '"dimensions.colorid" must be a string.'],
    ] as const) {
      const { text, line } = withSchedule((r) => ({ ...r, ...edit }));
      await refused(`schedule-${name}.ndjson`, text, `Line ${line}: ${message}`);
    }
    const all = lines();
    const at = all.findIndex((l) => l.includes('"kind":"schedule.change"'));
    const entry = JSON.parse(all[at] ?? '') as { changes: { date?: string }[] };
    const [dated] = entry.changes;
    if (dated) dated.date = '2026-13-01';
    all[at] = JSON.stringify(entry);
    await refused('ledger-date.ndjson', all.join('\n'), `Line ${at + 1}: "date" must be a date such as`);
  });

  it('schedule records out of place, or not the number the end record counts', async () => {
    const all = lines();
    const first = all.findIndex((l) => l.includes('"type":"schedule"'));
    const reservation = all.findIndex((l) => l.includes('"type":"reservation"'));
    const late = [...all];
    const [moved] = late.splice(first, 1);
    late.splice(reservation, 0, moved ?? '');
    await refused(
      'late.ndjson',
      late.join('\n'),
      `Line ${reservation + 1}: a "schedule" record is out of place`,
    );
    const early = [...all];
    early.splice(first, 1);
    early.splice(2, 0, all[first] ?? '');
    await refused('early.ndjson', early.join('\n'), 'Line 4: a "stock" record is out of place');
    const missing = all.filter((_, i) => i !== first);
    await refused(
      'schedule-missing.ndjson',
      missing.join('\n'),
      `Line ${missing.length}: the end record counts 5 schedule records but the file holds 4.`,
    );
    const uncounted = [...all.slice(0, -1), (all.at(-1) ?? '').replace('"schedule":5,', '')];
    await refused(
      'uncounted.ndjson',
      uncounted.join('\n'),
      'the end record counts 0 schedule records but the file holds 5.',
    );
  });

  it('a file that cannot be written is undone: nothing is left behind and a later import succeeds', async () => {
    // Two ledger entries with one event id (the second without changes, so the ledger still accounts for
    // the stock) pass the file checks but fail in the store.
    const all = lines();
    const ledger = all.filter((l) => l.includes('"type":"ledger"'));
    const again = JSON.stringify({ ...JSON.parse(ledger[1] ?? ''), seq: 99, position: 99, changes: [] });
    const duplicated = [...all.slice(0, -1), again, all.at(-1)?.replace('"ledger":14', '"ledger":15')];
    const path = join(dir, 'duplicate.ndjson');
    writeFileSync(path, duplicated.join('\n'));
    await expect(importFromFile(target.services.store, path)).rejects.toThrow(/failed and was undone/);
    expect(await target.services.store.hasStock('test')).toBe(false);
    expect(await target.services.store.readLedger('test', 0, 10)).toEqual([]);
    expect(await target.services.store.exportReservations('test', null, 10)).toEqual([]);
    expect(await target.services.store.exportSchedule('test', null, 10)).toEqual([]);
    await importFromFile(target.services.store, file);
    expect(await viewOf(target)).toEqual(await viewOf(source));
  });
});

describe('the export and import commands', () => {
  it('onhand export writes the file and onhand import loads it into another data directory', async () => {
    const out = join(dir, 'cli.ndjson');
    const data = mkdtempSync(join(tmpdir(), 'onhand-transfer-cli-'));
    try {
      expect(await main(['--data', source.settings.dataDir, 'export', 'test', '--out', out])).toBe(0);
      const withoutTime = (text: string) => text.replace(/"exportedAt":"[^"]*"/, '');
      expect(withoutTime(readFileSync(out, 'utf8'))).toBe(withoutTime(readFileSync(file, 'utf8')));
      expect(await main(['--data', data, 'import', out, '--environment', 'moved'])).toBe(0);
      expect(await main(['--data', data, 'import'])).toBe(2);
      expect(await main(['--data', data, 'export'])).toBe(2);
      await expect(main(['--data', data, 'import', join(dir, 'nothing.ndjson')])).rejects.toThrow(
        /Cannot read .*nothing\.ndjson/,
      );
      await expect(main(['--data', data, 'export', 'nobody'])).rejects.toThrow(
        'Environment "nobody" does not exist.',
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('the progress bar prints every 10% (or every 10 s) off a terminal, and redraws one line on a terminal', () => {
    let now = 0;
    const lines: string[] = [];
    const bar = new ProgressBar({ write: (text: string) => lines.push(text) }, () => now);
    bar.start('importing', 1000);
    for (let done = 1; done <= 1000; done++) {
      now += 1;
      bar.advance(done);
    }
    bar.finish();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('importing [##----------------------] 10% 100/1,000 records, 1,000/s\n');
    expect(lines[10]).toBe('importing: 1,000 records in 1.0 s\n');

    lines.length = 0;
    bar.start('exporting', undefined);
    now += 25_000;
    bar.advance(5);
    expect(lines).toEqual(['exporting 5 records, 0/s\n']);

    const drawn: string[] = [];
    const tty = new ProgressBar({ write: (text: string) => drawn.push(text), isTTY: true }, () => now);
    tty.start('checking', undefined);
    now += 50;
    tty.advance(1);
    now += 100;
    tty.advance(2);
    expect(drawn).toEqual(['\r\u001b[Kchecking 2 records, 13/s']);
  });
});
