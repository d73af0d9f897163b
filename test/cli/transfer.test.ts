import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFromFile } from '../../src/cli/import-command.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { stockBody } from '../support/reservation-helpers.js';
import {
  COUNTS,
  E,
  FIRST_EVENT,
  LATER,
  RED,
  SCHEDULE_EVENT,
  TOMORROW,
  useExportedSource,
  viewOf,
} from './transfer-source.js';

/*
 * Moving house: an environment exported from the embedded SQLite store (test/cli/transfer-source.ts)
 * and imported into a fresh store of every backend answers queries (ATP included), reservations,
 * scheduled values, the ledger and retries as it did before the move.
 */

const moved = useExportedSource();
const { dir, file } = moved;
let source: Harness;
beforeAll(() => {
  source = moved.source;
});

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
