import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToFile } from '../../src/cli/export-command.js';
import { importFromFile } from '../../src/cli/import-command.js';
import { formatQty, MAX_INPUT_QTY, MAX_STORED_QTY } from '../../src/domain/quantity.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { AT, ORG, reserveBody, stockBody } from '../support/reservation-helpers.js';

/*
 * Moving house keeps everything: every value Onhand can store or record survives export → import, the
 * import checks each line against the rules of the live write path and the stock against the ledger
 * before it writes anything, and the export says which feed position it reflects.
 */

const E = '/api/environment/test';
const MAX_IN = formatQty(MAX_INPUT_QTY);
const STEPS = Number(MAX_STORED_QTY / MAX_INPUT_QTY);

async function ok(h: Harness, path: string, body: unknown): Promise<void> {
  const res = await h.request('POST', `${E}${path}`, body);
  expect(res.statusCode, res.body).toBe(200);
}

const count = (id: string, product: string, inbound: string) => [
  { ...stockBody(id, product, { inbound }, AT), modifiedDateTimeUTC: '2026-01-01T10:00:00Z' },
];

/** Every row of the indexquery over the products, and the ledger without seqs. */
async function viewOf(h: Harness, env: string) {
  const res = await h.request('POST', `/api/environment/${env}/onhand/indexquery`, {
    filters: { organizationId: [ORG], productId: ['far-up', 'far-down', 'tiny'], siteId: [], locationId: [] },
    groupByValues: [],
    returnNegative: true,
  });
  expect(res.statusCode, res.body).toBe(200);
  const ledger = (await h.services.store.readLedger(env, 0, 1000)).map(
    ({ seq: _, environmentId: __, ...rest }) => rest,
  );
  const reservations = await h.services.store.exportReservations(env, null, 1000);
  return { rows: res.json() as unknown, ledger, reservations };
}

describe.each(testBackends())('moving house on %s', (backend) => {
  let h: Harness;
  let exported = 0;
  const dir = mkdtempSync(join(tmpdir(), 'onhand-transfer-checks-'));
  const file = join(dir, 'extremes.ndjson');
  const lines = () => readFileSync(file, 'utf8').trimEnd().split('\n');
  const at = (all: string[], match: string) => all.findIndex((l) => l.includes(match));
  const refused = async (name: string, all: string[], message: string | RegExp) => {
    const path = join(dir, name);
    writeFileSync(path, `${all.join('\n')}\n`);
    await expect(importFromFile(h.services.store, path, 'refused')).rejects.toThrow(message);
    expect(await h.services.store.getEnvironment('refused')).toBeUndefined();
    expect(await h.services.store.hasStock('refused')).toBe(false);
    expect(await h.services.store.readLedger('refused', 0, 10)).toEqual([]);
  };

  beforeAll(async () => {
    h = await startHarness({ backend });
    // Up to the stored limit in steps of the request limit, then counts to the other end of the input
    // range: the count's ledger delta is MAX_STORED + MAX_INPUT (1e13 units), beyond int64 millionths.
    for (let i = 0; i < STEPS; i++) {
      await ok(h, '/onhand', stockBody(`up-${i}`, 'far-up', { inbound: MAX_IN }));
      await ok(h, '/onhand', stockBody(`down-${i}`, 'far-down', { inbound: `-${MAX_IN}` }));
    }
    await ok(h, '/setonhand/pos/bulk', count('count-up', 'far-up', `-${MAX_IN}`));
    await ok(h, '/setonhand/pos/bulk', count('count-down', 'far-down', MAX_IN));
    await ok(h, '/onhand', stockBody('tiny-1', 'tiny', { inbound: '0.000001', outbound: '-0.000001' }));
    // The largest reservation a request can make, unchecked.
    await ok(h, '/onhand/reserve', reserveBody('huge', 'far-down', MAX_IN, { ifCheckAvailForReserv: false }));
    exported = (await exportToFile(h.services.store, 'test', file)).position;
    expect(exported).toBe(await h.services.store.feed.head());
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips the extremes: a count that moved a value across the whole stored range', async () => {
    const deltas = lines()
      .filter((l) => l.includes('"count-'))
      .map((l) => (JSON.parse(l) as { changes: { delta: string }[] }).changes[0]?.delta);
    expect(deltas).toEqual([
      `-${formatQty(MAX_STORED_QTY + MAX_INPUT_QTY)}`,
      formatQty(MAX_STORED_QTY + MAX_INPUT_QTY),
    ]);
    await importFromFile(h.services.store, file, 'moved');
    expect(await viewOf(h, 'moved')).toEqual(await viewOf(h, 'test'));
  });

  it('records the feed position the export reflects, in the header and on each ledger entry', async () => {
    const [header] = lines();
    const head = exported;
    expect(head).toBeGreaterThan(0);
    expect(JSON.parse(header ?? '')).toMatchObject({ type: 'onhand-export', version: 1, position: head });
    const positions = lines()
      .filter((l) => l.includes('"type":"ledger"'))
      .map((l) => (JSON.parse(l) as { position: number }).position);
    const feed = await h.services.store.feed.read('test', 0, 1000);
    expect(positions).toEqual(feed.filter((e) => e.position <= head).map((e) => e.position));
  });

  it('imports a file of an earlier release: no positions, ledger in seq order', async () => {
    const old = lines().map((l) => {
      const { position: _, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    const path = join(dir, 'old.ndjson');
    writeFileSync(path, `${old.join('\n')}\n`);
    await importFromFile(h.services.store, path, 'old');
    expect(await viewOf(h, 'old')).toEqual(await viewOf(h, 'test'));
  });

  it('refuses a stock row whose partitionId disagrees with its dimensions, naming the line', async () => {
    const all = lines();
    const i = at(all, '"type":"stock"');
    all[i] = JSON.stringify({ ...JSON.parse(all[i] ?? ''), partitionId: `${ORG}~1~99` });
    await refused(
      'partition.ndjson',
      all,
      `Line ${i + 1}: "partitionId" is "${ORG}~1~99", but its organization, product and dimensions belong to partition "${ORG}~1~11"`,
    );
  });

  it('refuses stock the ledger does not account for, and a ledger whose stock is missing', async () => {
    const all = lines();
    const i = at(all, '"productId":"tiny"');
    const row = JSON.parse(all[i] ?? '') as Record<string, unknown>;
    all[i] = JSON.stringify({ ...row, quantity: '5.000001' });
    await refused(
      'unaccounted.ndjson',
      all,
      `Line ${i + 1}: the stock value pos.${String(row.measure)} of ${ORG}/tiny {"locationid":"11","siteid":"1"} holds 5.000001, but the ledger's changes to it add up to ${String(row.quantity)}`,
    );
    const missing = lines().filter((_, j) => j !== i);
    const end = JSON.parse(missing.at(-1) ?? '') as { counts: { stock: number } };
    end.counts.stock -= 1;
    missing[missing.length - 1] = JSON.stringify(end);
    await refused(
      'missing.ndjson',
      missing,
      /the ledger's changes to the stock value .* but the file holds no such value/,
    );
  });

  it('refuses dimensions that are not base dimensions, and a delta beyond what a count can record', async () => {
    const all = lines();
    const i = at(all, '"type":"stock"');
    const row = JSON.parse(all[i] ?? '') as { dimensions: Record<string, string> };
    all[i] = JSON.stringify({ ...row, dimensions: { ...row.dimensions, shade: 'dark' } });
    await refused('dims.ndjson', all, `Line ${i + 1}: "dimensions" names shade, not base dimensions.`);
    const far = lines();
    const j = at(far, '"count-up"');
    far[j] = (far[j] ?? '').replace(
      /"delta":"-?[0-9.]+"/,
      `"delta":"${formatQty(2n * MAX_STORED_QTY + 1n)}"`,
    );
    await refused('far.ndjson', far, `Line ${j + 1}: "delta" is beyond the supported range.`);
  });
});
