import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { changeEvent, reserveEvent } from './workloads/events.js';

/*
 * CPU per reservation of the reserve path without HTTP: W4's (one hot product) or W5's (a random
 * product among 10,000) single-item reserve requests through Engine.reservations.reserve on a SQLite
 * file (WAL, synchronous=FULL), 64 requests in flight, measured with process.cpuUsage(). Steadier than
 * wall-clock rates on a shared machine; compare builds by running them in turn several times.
 * Usage: npx tsx bench/reserve-cpu.ts [hot|spread, default hot] [requests, default 20000]
 */
const mode = process.argv[2] === 'spread' ? 'spread' : 'hot';
const requests = Number(process.argv[3] ?? 20_000);
const products = mode === 'hot' ? 1 : 10_000;
const dir = mkdtempSync(join(tmpdir(), 'onhand-reserve-cpu-'));
const store = SqliteStore.open({ file: join(dir, 'bench.db') });
await store.migrate();
const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
await engine.environments.create('w4');
const product = (i: number) => (mode === 'hot' ? 'HOT' : `S${i}`);
for (let start = 0; start < products; start += 512) {
  const items = Array.from({ length: Math.min(512, products - start) }, (_, i) => ({
    input: JSON.parse(
      changeEvent(`stock-${start + i}`, product(start + i), { siteId: '1', locationId: '11' }, 5_000_000),
    ),
    path: `/${i}`,
  }));
  await engine.changeOnHand('w4', items);
}
let sent = 0;

async function reserve(): Promise<void> {
  const n = sent++;
  const input = JSON.parse(reserveEvent(`r${n}`, product(Math.floor(Math.random() * products))));
  const [outcome] = await engine.reservations.reserve('w4', [{ input, path: '' }]);
  if (outcome?.status !== 'success') throw new Error(`a reservation failed: ${JSON.stringify(outcome)}`);
}

async function run(count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (left-- > 0) await reserve();
    }),
  );
}

await run(2000); // warm-up
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(requests);
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
console.log(
  `${mode}: ${((cpu.user + cpu.system) / requests).toFixed(1)} µs CPU per reservation (user ${(cpu.user / requests).toFixed(1)}, ` +
    `system ${(cpu.system / requests).toFixed(1)}); ${Math.round(requests / seconds).toLocaleString('en')} reservations/s`,
);
await engine.drain();
await store.close();
rmSync(dir, { recursive: true, force: true });
