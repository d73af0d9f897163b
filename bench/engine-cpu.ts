import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { BackendCpu } from './backend-cpu.js';
import { createBenchDatabase } from './bench-database.js';
import { bulkTemplates } from './workloads/events.js';

/*
 * CPU per event of the on-hand write path without HTTP: W1's 512-event bodies through
 * Engine.changeOnHand on a SQLite file (WAL, synchronous=FULL), 4 requests in flight, measured with
 * process.cpuUsage(). Steadier than wall-clock events/s on a shared machine; compare builds by running
 * them in turn several times. With --checkpoints the feed's checkpointer runs as in the server (started,
 * and one last pass before the measurement ends, so every complete span's sums are in it).
 * The store's feed is started as the server starts it (on PostgreSQL, the sequencer stamping positions).
 * With --postgres-url URL the store is a fresh PostgreSQL database made beside URL's (dropped at the
 * end); the backends' CPU per event is then printed beside this process's when PostgreSQL runs on this
 * machine (read from /proc, bench/backend-cpu.ts), and "backends n/a" otherwise.
 * Usage: npx tsx bench/engine-cpu.ts [requests, default 500] [--checkpoints] [--postgres-url URL]
 */
const args = process.argv.slice(2);
const postgresAt = args.indexOf('--postgres-url');
const postgresUrl = postgresAt >= 0 ? args[postgresAt + 1] : undefined;
const requests = Number(
  args.find((a, i) => !a.startsWith('--') && !(postgresAt >= 0 && i === postgresAt + 1)) ?? 500,
);
const checkpoints = args.includes('--checkpoints');
const dir = mkdtempSync(join(tmpdir(), 'onhand-engine-cpu-'));
const database = postgresUrl ? await createBenchDatabase(postgresUrl) : undefined;
const store: Store = database
  ? await PostgresStore.connect({ connectionString: database.url })
  : SqliteStore.open({ file: join(dir, 'bench.db') });
await store.migrate();
// As the server does (src/main.ts): on PostgreSQL this starts the sequencer that stamps commits' positions.
await store.feed.start((error) => console.error('feed:', error));
const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
await engine.environments.create('w1');
const bodies = bulkTemplates(10, 512, 5000);
let sent = 0;

async function post(): Promise<void> {
  const n = sent++;
  const text = (bodies[n % bodies.length] as string).replaceAll('[<id>]', `r${n}`);
  const items = (JSON.parse(text) as unknown[]).map((input, i) => ({ input, path: `/${i}` }));
  const outcomes = await engine.changeOnHand('w1', items as Parameters<Engine['changeOnHand']>[1]);
  const failed = outcomes.find((o) => o.status !== 'success');
  if (failed) throw new Error(`an event failed: ${JSON.stringify(failed)}`);
}

async function run(count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (left-- > 0) await post();
    }),
  );
}

if (checkpoints) engine.checkpointer.start();
await run(40); // warm-up
if (checkpoints) await engine.checkpointer.runOnce();
const backends = database ? await BackendCpu.connect(database.url) : undefined;
const backends0 = await backends?.sample();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(requests);
if (checkpoints) await engine.checkpointer.runOnce();
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
const backendMicros = backends ? BackendCpu.since(backends0 ?? null, await backends.sample()) : undefined;
await backends?.close();
const events = requests * 512;
console.log(
  `${((cpu.user + cpu.system) / events).toFixed(1)} µs CPU per event (user ${(cpu.user / events).toFixed(1)}, ` +
    `system ${(cpu.system / events).toFixed(1)}); ${Math.round(events / seconds).toLocaleString('en')} events/s` +
    (backendMicros === undefined
      ? ''
      : `; PostgreSQL backends ${backendMicros === null ? 'n/a' : `${(backendMicros / events).toFixed(1)} µs per event`}`),
);
await engine.drain();
await store.close();
await database?.drop();
rmSync(dir, { recursive: true, force: true });
