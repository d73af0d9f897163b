import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { changeEvent } from './workloads/events.js';

/*
 * Memory of the in-memory reads (docs/storefront.md, "Reads at cache speed"): stores `products` ×
 * `rowsPerProduct` stock rows (one pos.inbound value per colour) on a SQLite file through the engine's
 * write path, then asks an index query of every product once, so the read views load and keep every
 * row (ONHAND_READ_CACHE_ROWS = the row count), and reports the heap the views hold per row (after a
 * full garbage collection, before and after the queries) and the process's resident memory.
 * Usage: node --expose-gc --import tsx bench/memory-reads.ts [products, default 100000] [rows per product, 10]
 */
const products = Number(process.argv[2] ?? 100_000);
const rowsPerProduct = Number(process.argv[3] ?? 10);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const dir = mkdtempSync(join(tmpdir(), 'onhand-memory-'));
const store = SqliteStore.open({ file: join(dir, 'bench.db') });
await store.migrate();
const rows = products * rowsPerProduct;
const engine = new Engine({
  store,
  clock: () => new Date(),
  limits: DEFAULT_QUERY_LIMITS,
  readCacheRows: rows,
});
await engine.environments.create('mem');

const t0 = performance.now();
let batch: unknown[] = [];
const flush = async () => {
  const items = batch.map((input, i) => ({ input, path: `/${i}` }));
  batch = [];
  const outcomes = await engine.changeOnHand('mem', items as Parameters<Engine['changeOnHand']>[1]);
  const failed = outcomes.find((o) => o.status !== 'success');
  if (failed) throw new Error(`an event failed: ${JSON.stringify(failed)}`);
};
for (let p = 0; p < products; p++) {
  for (let c = 0; c < rowsPerProduct; c++) {
    batch.push(
      JSON.parse(changeEvent(`e${p}-${c}`, `P${p}`, { siteId: '1', locationId: '11', colorId: `c${c}` }, 1)),
    );
    if (batch.length === 512) await flush();
  }
}
if (batch.length > 0) await flush();
const seeded = (performance.now() - t0) / 1000;

const heap = () => {
  gc();
  gc();
  return process.memoryUsage();
};
const before = heap();
const t1 = performance.now();
for (let p = 0; p < products; p++) {
  const answer = await engine.indexQuery('mem', {
    filters: { organizationId: ['usmf'], productId: [`P${p}`] },
    groupByValues: ['colorId'],
    returnNegative: true,
  });
  if (answer.length !== rowsPerProduct) throw new Error(`P${p}: ${answer.length} rows`);
}
const queried = (performance.now() - t1) / 1000;
const after = heap();
const held = engine.views.rowsHeld;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
console.log(
  `${rows.toLocaleString('en')} rows stored in ${seeded.toFixed(0)} s; ${products.toLocaleString('en')} queries in ` +
    `${queried.toFixed(0)} s; ${held.toLocaleString('en')} rows held in memory: heap ${mib(before.heapUsed)} → ` +
    `${mib(after.heapUsed)} (${((after.heapUsed - before.heapUsed) / held).toFixed(0)} bytes per row), ` +
    `resident ${mib(before.rss)} → ${mib(after.rss)}`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
