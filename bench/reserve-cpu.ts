import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createBenchDatabase } from './bench-database.js';
import { changeEvent, reserveEvent } from './workloads/events.js';

/*
 * CPU per reservation of the reserve path without HTTP: W4's (one hot product) or W5's (a random
 * product among 10,000) single-item reserve requests through Engine.reservations.reserve, 64 requests
 * in flight, measured with process.cpuUsage(). On a SQLite file (WAL, synchronous=FULL) by default; with
 * --postgres-url on a fresh database created there (dropped at the end), where the CPU of the store's
 * PostgreSQL backends (from /proc, so PostgreSQL on this machine) is reported per reservation too.
 * Steadier than wall-clock rates on a shared machine; compare builds by running them in turn several times.
 * Usage: npx tsx bench/reserve-cpu.ts [hot|spread, default hot] [requests, default 20000] [--postgres-url url]
 */
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'postgres-url': { type: 'string' } },
});
const mode = positionals[0] === 'spread' ? 'spread' : 'hot';
const requests = Number(positionals[1] ?? 20_000);
const products = mode === 'hot' ? 1 : 10_000;
const postgresUrl = flags['postgres-url'];
const dir = mkdtempSync(join(tmpdir(), 'onhand-reserve-cpu-'));
const applicationName = `onhand-reserve-cpu-${process.pid}`;
/** Drops the scratch PostgreSQL database (nothing on SQLite); called whether or not the run succeeded. */
let dropDatabase = async () => {};

async function openStore(): Promise<Store> {
  if (postgresUrl === undefined) return SqliteStore.open({ file: join(dir, 'bench.db') });
  const database = await createBenchDatabase(postgresUrl);
  dropDatabase = database.drop;
  return PostgresStore.connect({ connectionString: database.url, applicationName });
}

/** CPU seconds of the store's PostgreSQL backends (utime + stime from /proc; 0 on SQLite). */
async function backendCpu(): Promise<number> {
  if (postgresUrl === undefined) return 0;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  const { rows } = await client
    .query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName])
    .finally(() => client.end());
  let ticks = 0;
  for (const { pid } of rows) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

const store = await openStore().catch(async (error: unknown) => {
  await dropDatabase();
  rmSync(dir, { recursive: true, force: true });
  throw error;
});
const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
// Whether or not the run succeeds, the scratch database and directory go (a failed run left them behind).
try {
  await store.migrate();
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
  const trips = () => (store instanceof PostgresStore ? store.roundTrips : 0);
  const trips0 = trips();
  const backend0 = await backendCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(requests);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const backend = (await backendCpu()) - backend0;
  const perReservation = (trips() - trips0) / requests;
  console.log(
    `${postgresUrl === undefined ? 'sqlite' : 'postgres'} ${mode}: ${((cpu.user + cpu.system) / requests).toFixed(1)} µs CPU per reservation (user ${(cpu.user / requests).toFixed(1)}, ` +
      `system ${(cpu.system / requests).toFixed(1)}); ${Math.round(requests / seconds).toLocaleString('en')} reservations/s` +
      (postgresUrl === undefined
        ? ''
        : `; PostgreSQL backends ${((backend * 1e6) / requests).toFixed(1)} µs per reservation, ${perReservation.toFixed(2)} round trips`),
  );
} finally {
  // Each step whatever the one before did: a failed drain or close still drops the database.
  try {
    await engine.drain();
    await store.close();
  } finally {
    try {
      await dropDatabase();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
