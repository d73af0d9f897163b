import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFromFile } from '../../src/cli/import-command.js';
import { type Harness, startHarness } from '../support/harness.js';
import { useExportedSource, viewOf } from './transfer-source.js';

/*
 * `onhand import` refuses a file that is not a complete export (test/cli/transfer-source.ts makes the
 * export), and undoes one that fails in the store: nothing is imported.
 */

const moved = useExportedSource();
const { dir, file } = moved;
let source: Harness;
beforeAll(() => {
  source = moved.source;
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
