import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatQty } from '../../src/domain/quantity.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { AV, ENV, IMPEX, uploadGraph } from './oci-helpers.js';

/**
 * An availability import (the Impex import path: a stored file, then the import job) of RECORDS records
 * end to end: the counts, a sample of values read back through get-availability, and the stock equal to
 * the replay of the ledger. The file is generated and uploaded in pieces, never whole; the process's
 * resident memory is sampled while the file is received and imported, and the peak growth printed
 * (docs/benchmarks.md records runs). Then an export of every location holds each imported record, and
 * get-deltas from its token answers a later write. 100,000 records by default
 * (ONHAND_TEST_OCI_IMPORT_RECORDS).
 */
const RECORDS = Number(process.env.ONHAND_TEST_OCI_IMPORT_RECORDS ?? 100_000);
const LOCATIONS = Array.from({ length: 20 }, (_, i) => `loc-${i}`);
/** Every BAD-th record has a negative onHand: refused, reported, counted as skipped. */
const BAD = 10_000;
const isBad = (i: number) => i % BAD === 7;
const skuOf = (i: number) => `sku-${Math.floor(i / LOCATIONS.length)}`;
const locationOf = (i: number) => LOCATIONS[i % LOCATIONS.length] as string;
const onHandOf = (i: number) => (i % 89) + 1 + (i % 4) * 0.25;

/** The file in pieces of about 64 KiB. */
async function* file(): AsyncGenerator<Buffer> {
  let text = '';
  for (let i = 0; i < RECORDS; i++) {
    const onHand = isBad(i) ? -1 : onHandOf(i);
    text += `${JSON.stringify({ recordId: `r-${i}`, sku: skuOf(i), locationId: locationOf(i), onHand })}\n`;
    if (text.length >= 65_536) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text) yield Buffer.from(text);
}

const MiB = (n: number) => Math.round(n / 1024 / 1024);

describe.each(testBackends())(`an availability import of ${RECORDS} records on %s`, (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, { locations: LOCATIONS });
  });
  afterAll(() => h.close());

  it('imports every good record, reports the bad ones, and the stock is the ledger replayed', async () => {
    const imports = h.services.engine.ociImports;
    const baseline = process.memoryUsage().rss;
    const heapBaseline = process.memoryUsage().heapUsed;
    let [peak, heapPeak] = [baseline, heapBaseline];
    const sample = () => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss);
      heapPeak = Math.max(heapPeak, now.heapUsed);
    };
    const sampler = setInterval(sample, 20);
    const started = Date.now();
    const created = await imports.initiate(ENV, { fileName: 'nightly.json', linkDuration: 60 });
    await imports.receive(ENV, created.uploadLinkId, file());
    const received = Date.now();
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);
    const imported = Date.now();
    clearInterval(sampler);
    sample();
    const bad = Array.from({ length: RECORDS }, (_, i) => i).filter(isBad).length;
    const view = await imports.status(ENV, created.importId);
    expect(view).toMatchObject({
      status: 'COMPLETED',
      counters: { read: RECORDS, processed: RECORDS - bad, skipped: bad, errors: bad },
    });
    const result: string[] = [];
    for await (const line of imports.result(ENV, created.importId)) result.push(line);
    expect(result[0]).toBe(JSON.stringify({ status: 'COMPLETED_WITH_PARTIAL_FAILURES' }));
    expect(result.slice(1).map((l) => (JSON.parse(l) as { recordId: string }).recordId)).toEqual(
      Array.from({ length: RECORDS }, (_, i) => i)
        .filter(isBad)
        .map((i) => `r-${i}`),
    );

    // A sample of values: every location of 25 SKUs spread over the file.
    const skus = RECORDS / LOCATIONS.length;
    for (let k = 0; k < 25; k++) {
      const s = Math.floor((k * skus) / 25) + (k % 3);
      const res = await h.request('POST', `${AV}/availability-records/actions/get-availability`, {
        skus: [`sku-${s}`],
        locations: LOCATIONS.slice(0, 10),
      });
      expect(res.statusCode, res.body).toBe(200);
      const places = (res.json() as { locations: { id: string; records: { onHand: number }[] }[] }).locations;
      for (const place of places) {
        const i = s * LOCATIONS.length + LOCATIONS.indexOf(place.id);
        expect(place.records[0]?.onHand, `sku-${s} at ${place.id}`).toBe(isBad(i) ? 0 : onHandOf(i));
      }
    }

    // Consistency: the stored stock is exactly the sum of the ledger's changes, record for record.
    const store = h.services.store;
    const replayed = new Map<string, bigint>();
    for (let after = 0; ; ) {
      const page = await store.readLedger(ENV, after, 5000);
      for (const entry of page)
        for (const c of entry.changes) {
          if (c.date !== undefined) continue;
          const key = JSON.stringify([c.productId, c.dimensions, c.dataSource, c.measure]);
          replayed.set(key, (replayed.get(key) ?? 0n) + c.delta);
        }
      if (page.length < 5000) break;
      after = page[page.length - 1]?.seq ?? after;
    }
    const stored = new Map<string, bigint>();
    for (const row of await store.readStock(ENV, { organizationIds: ['usmf'] }))
      if (row.quantity !== 0n)
        stored.set(
          JSON.stringify([row.productId, row.dimensions, row.dataSource, row.measure]),
          row.quantity,
        );
    for (const [key, value] of replayed) if (value === 0n) replayed.delete(key);
    expect(stored.size).toBe(RECORDS - bad);
    expect(replayed.size).toBe(stored.size);
    let total = 0n;
    for (const [key, value] of stored) {
      expect(replayed.get(key), key).toBe(value);
      total += value;
    }
    let expected = 0;
    for (let i = 0; i < RECORDS; i++) if (!isBad(i)) expected += onHandOf(i);
    expect(formatQty(total)).toBe(String(expected));

    console.log(
      `[import-scale] ${backend}: ${RECORDS} records, received in ${received - started} ms, imported in ${
        imported - received
      } ms; resident memory ${MiB(baseline)} MiB before, peak ${MiB(peak)} MiB (+${MiB(peak - baseline)} MiB); JS heap ${MiB(heapBaseline)} MiB before, peak ${MiB(heapPeak)} MiB`,
    );
    // Bounded: far below what holding the file and its records whole would take (a loose bound: GC is lazy).
    expect(peak - baseline).toBeLessThan(512 * 1024 * 1024);
  }, 600_000);

  it('exports every imported record as imported, then follows deltas from the export', async () => {
    const start = await h.request('POST', `${IMPEX}/availability-records/exports`, {
      objects: { locations: LOCATIONS },
    });
    expect(start.statusCode, start.body).toBe(200);
    const { exportId } = start.json() as { exportId: string };
    await h.services.engine.jobRunner.runPending();
    const file = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/file-content`);
    expect(file.statusCode).toBe(200);
    const lines = file.body.trim().split('\n');
    let [location, records] = ['', 0];
    for (const text of lines.slice(0, -1)) {
      const value = JSON.parse(text) as { locationId?: string; sku?: string; onHand?: number };
      if (value.locationId !== undefined) {
        location = value.locationId;
        continue;
      }
      const i = Number(String(value.sku).slice(4)) * LOCATIONS.length + LOCATIONS.indexOf(location);
      expect(isBad(i), `${value.sku} at ${location} was refused`).toBe(false);
      expect(value.onHand, `${value.sku} at ${location}`).toBe(onHandOf(i));
      records++;
    }
    const bad = Array.from({ length: RECORDS }, (_, i) => i).filter(isBad).length;
    expect(records).toBe(RECORDS - bad);
    const token = (JSON.parse(lines.at(-1) as string) as { deltaToken: string }).deltaToken;
    const write = await h.request('POST', `/api/environment/${ENV}/onhand`, {
      id: 'after-export',
      organizationId: 'usmf',
      productId: 'sku-3',
      dimensions: { siteId: 'loc-5', locationId: 'loc-5' },
      quantities: { iom: { onhand: 1000 } },
    });
    expect(write.statusCode, write.body).toBe(200);
    const deltas = await h.request('POST', `${AV}/availability-records/actions/get-deltas`, {
      deltaToken: token,
    });
    expect(deltas.statusCode, deltas.body).toBe(200);
    expect((deltas.json() as { records: unknown[] }).records).toMatchObject([
      { id: 'loc-5', sku: 'sku-3', onHand: 1000 + onHandOf(3 * LOCATIONS.length + 5) },
    ]);
  }, 600_000);
});
