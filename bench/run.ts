import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createBenchDatabase, createCitusBenchSchema } from './bench-database.js';
import { postgresCeilings, type StorageCeilings, sqliteCeilings } from './ceilings/storage-ceiling.js';
import { checkInvariants, type InvariantReport } from './invariants.js';
import { type LoadResult, load, serverCpu } from './load.js';
import { machineFacts } from './machine.js';
import { printTable, writeResults } from './report.js';
import { adminToken, startOnhand, startProcess } from './server.js';
import type { HttpCeilings, Measurement } from './workload.js';
import { bulkTemplates } from './workloads/events.js';
import { WORKLOADS } from './workloads/index.js';

/*
 * npm run bench [-- --quick] [--postgres-url postgres://…] [--citus-url postgres://…] [--only W1,W3]
 *   [--seconds n] [--profile dir]
 * Runs the baselines and the workloads on SQLite and, when a PostgreSQL URL is given (flag or
 * ONHAND_BENCH_POSTGRES_URL), on PostgreSQL too, and with a Citus coordinator's URL (flag or
 * ONHAND_BENCH_CITUS_URL) on Citus: the tables distributed in a schema of its database, 32 shards each;
 * the storage ceiling there is plain PostgreSQL's on the coordinator (an undistributed schema), so the
 * ratios say what distributing costs. Prints a table per backend and writes
 * bench/results/<date>-<backend>.json. Exits non-zero when an invariant breaks.
 */
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'postgres-url': { type: 'string' },
    'citus-url': { type: 'string' },
    only: { type: 'string' },
    seconds: { type: 'string' },
    profile: { type: 'string' },
    'skip-sqlite': { type: 'boolean', default: false },
  },
});
const quick = flags.quick ?? false;
const seconds = Number(flags.seconds ?? (quick ? 4 : 10));
const postgresUrl = flags['postgres-url'] ?? process.env.ONHAND_BENCH_POSTGRES_URL ?? '';
const citusUrl = flags['citus-url'] ?? process.env.ONHAND_BENCH_CITUS_URL ?? '';
const only = flags.only?.split(',').map((w) => w.trim().toUpperCase());
const workloads = WORKLOADS.filter((w) => !only || only.includes(w.id.toUpperCase()));
const profileDir = flags.profile;

async function httpCeilings(): Promise<HttpCeilings> {
  const server = await startProcess({
    script: 'bench/ceilings/empty-server.ts',
    args: (port) => [String(port)],
    env: {},
    readyPath: '/empty',
  });
  serverCpu.watch(server.pid, server.url);
  try {
    const get = new Map<number, LoadResult>();
    const ceilingSeconds = Math.max(2, Math.round(seconds / 2));
    for (const connections of [1, 16, 64]) {
      get.set(
        connections,
        await load({
          url: server.url,
          request: { method: 'GET', path: '/empty' },
          connections,
          seconds: ceilingSeconds,
        }),
      );
    }
    const bulkPost = await load({
      url: server.url,
      request: {
        method: 'POST',
        path: '/empty',
        body: bulkTemplates(1, 512, 5000)[0] as string,
        uniqueIds: true,
      },
      connections: 16,
      seconds: ceilingSeconds,
    });
    return { get, bulkPost };
  } finally {
    await server.stop();
  }
}

/** A schema of the Citus coordinator's database (bench-database.ts), 32 shards per table. */
const freshCitusSchema = (distribute: boolean) => createCitusBenchSchema(citusUrl, distribute);

async function runBackend(backend: 'sqlite' | 'postgres' | 'citus', http: HttpCeilings): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), `onhand-bench-${backend}-`));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const measurements: Measurement[] = [];
  const invariants: Record<string, InvariantReport> = {};
  let ok = true;
  try {
    console.log(`\n== ${backend}: storage ceiling`);
    let storage: StorageCeilings;
    let serverDb: string | undefined;
    if (backend === 'sqlite') {
      storage = await sqliteCeilings(dir, Math.min(seconds, 5));
    } else {
      const ceilingDb =
        backend === 'citus' ? await freshCitusSchema(false) : await createBenchDatabase(postgresUrl);
      cleanups.push(ceilingDb.drop);
      storage = await postgresCeilings(ceilingDb.url, Math.min(seconds, 5));
      const serverDatabase =
        backend === 'citus' ? await freshCitusSchema(true) : await createBenchDatabase(postgresUrl);
      cleanups.push(serverDatabase.drop);
      serverDb = serverDatabase.url;
    }
    console.log(
      `   ${Math.round(storage.bulkEventsPerSecond).toLocaleString('en')} events/s in 512-event transactions; ` +
        `${Math.round(storage.reservePerSecond).toLocaleString('en')} reservations/s one statement per commit; ` +
        `raw inserts ${Math.round(storage.rawInsertsPerSecond).toLocaleString('en')} events/s (no index, 512 per commit)`,
    );
    const server = await startOnhand({
      dataDir: join(dir, 'server'),
      databaseUrl: serverDb,
      environments: workloads.map((w) => w.environmentId),
      ...(profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    });
    cleanups.unshift(() => server.stop());
    serverCpu.watch(server.pid, server.url);
    serverCpu.runs.length = 0;
    const token = await adminToken(server.url);
    const store: Store =
      backend === 'sqlite'
        ? SqliteStore.open({ file: join(dir, 'server', 'onhand.db') })
        : await PostgresStore.connect({ connectionString: serverDb as string, poolSize: 2 });
    cleanups.unshift(() => store.close());
    const ctx = {
      backend: backend === 'sqlite' ? ('sqlite' as const) : ('postgres' as const),
      url: server.url,
      pid: server.pid,
      token,
      seconds,
      quick,
      store,
      http,
      storage,
      databaseUrl: serverDb,
      workDir: dir,
    };
    for (const workload of workloads) {
      console.log(`== ${backend}: ${workload.id} ${workload.title}`);
      const { measurements: found, acknowledgedEvents } = await workload.run(ctx);
      measurements.push(...found);
      if (workload.writes) {
        try {
          invariants[workload.id] = await checkInvariants(store, workload.environmentId, acknowledgedEvents);
          console.log(`   invariants hold: ${JSON.stringify(invariants[workload.id])}`);
        } catch (error) {
          ok = false;
          console.error(`\n!!! ${backend} ${workload.id}: INVARIANT BROKEN: ${String(error)}\n`);
        }
      }
    }
    printTable(backend, measurements);
    const file = writeResults(backend, {
      quick,
      seconds,
      machine: await machineFacts(backend === 'sqlite' ? 'sqlite' : 'postgres', serverDb),
      baselines: {
        httpCeiling: Object.fromEntries([...http.get].map(([c, r]) => [`get_${c}_connections`, r])),
        httpBulkPost16: http.bulkPost,
        storage,
      },
      measurements,
      invariants,
      serverCpu: serverCpu.runs,
    });
    console.log(`\nwritten: ${file}`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => console.error(String(error)));
  }
  return ok;
}

async function main(): Promise<number> {
  console.log(
    `onhand bench: ${quick ? 'quick, ' : ''}${seconds} s per run; workloads ${workloads.map((w) => w.id).join(', ')}`,
  );
  console.log('== HTTP ceiling (empty Fastify route)');
  const http = await httpCeilings();
  for (const [c, r] of http.get)
    console.log(`   GET, ${c} connections: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms`);
  console.log(`   POST 512-event body, 16 connections: ${Math.round(http.bulkPost.rps)} req/s`);
  let ok = true;
  if (!flags['skip-sqlite']) ok = (await runBackend('sqlite', http)) && ok;
  if (postgresUrl) ok = (await runBackend('postgres', http)) && ok;
  else console.log('\n(PostgreSQL skipped: pass --postgres-url or set ONHAND_BENCH_POSTGRES_URL)');
  if (citusUrl) ok = (await runBackend('citus', http)) && ok;
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
