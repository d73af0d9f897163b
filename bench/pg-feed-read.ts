import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createBenchDatabase } from './bench-database.js';
import { bulkTemplates } from './workloads/events.js';

/*
 * The PostgreSQL feed read of a live stream's page (docs/benchmarks.md, "PostgreSQL feed reads from the
 * process's own commits, 2026-12-05"): on a fresh database, one process writes `commits` group commits of
 * `size` W1-like bulk entries each (5,000 products, Engine.changeOnHand), then reads the page of the last
 * `page` entries `runs` times, alternating the writer (which holds its commits in memory,
 * postgres/feed/committed-commits.ts) and a second store on the same database (another process: every
 * row from the ledger). Reports the wall and CPU time of each read (median, min, max), and checks that
 * both answer the same entries.
 * Usage: npx tsx bench/pg-feed-read.ts postgres://…/postgres [commits 4] [size 512] [page 2000] [runs 20]
 */
const adminUrl = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const commits = Number(process.argv[3] ?? 4);
const size = Number(process.argv[4] ?? 512);
const pageSize = Number(process.argv[5] ?? 2000);
const runs = Number(process.argv[6] ?? 20);

const database = await createBenchDatabase(adminUrl);
const writer = await PostgresStore.connect({ connectionString: database.url });
const other = await PostgresStore.connect({ connectionString: database.url });
try {
  await writer.migrate();
  await writer.feed.start();
  const engine = new Engine({ store: writer, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
  await engine.environments.create('w7');
  const bodies = bulkTemplates(10, size, 5000);
  for (let n = 0; n < commits; n++) {
    const text = (bodies[n % bodies.length] as string).replaceAll('[<id>]', `r${n}`);
    const items = (JSON.parse(text) as unknown[]).map((input, i) => ({ input, path: `/${i}` }));
    const outcomes = await engine.changeOnHand('w7', items as Parameters<Engine['changeOnHand']>[1]);
    if (outcomes.some((o) => o.status !== 'success')) throw new Error('an event failed');
  }
  await writer.feed.settleAll(10_000);
  const after = Math.max(0, (await writer.feed.head()) - pageSize);
  const times: Record<'memory' | 'database', { wall: number[]; cpu: number[] }> = {
    memory: { wall: [], cpu: [] },
    database: { wall: [], cpu: [] },
  };
  let last: Record<string, string> = {};
  for (let run = 0; run < runs + 2; run++) {
    for (const [label, store] of [
      ['memory', writer],
      ['database', other],
    ] as const) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      const records = await store.feed.read('w7', after, pageSize);
      const wall = performance.now() - start;
      const used = process.cpuUsage(cpu);
      last[label] = JSON.stringify(records, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
      if (run < 2) continue; // warm-up
      times[label].wall.push(wall);
      times[label].cpu.push((used.user + used.system) / 1000);
    }
    if (last.memory !== last.database) throw new Error('memory and database reads differ');
    last = {};
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[s.length >> 1]?.toFixed(1)} (min ${s[0]?.toFixed(1)}, max ${s.at(-1)?.toFixed(1)}) ms`;
  };
  console.log(
    `${commits} commits of ${size}, page of ${pageSize} entries after ${after}, ${runs} reads each`,
  );
  for (const label of ['memory', 'database'] as const)
    console.log(`${label}: wall ${stats(times[label].wall)}; CPU ${stats(times[label].cpu)}`);
  console.log(`held: ${JSON.stringify(writer.feed.held)}`);
} finally {
  await writer.close();
  await other.close();
  await database.drop();
}
