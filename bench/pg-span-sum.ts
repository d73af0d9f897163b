import { type SpanDelta, SpanSums } from '../src/domain/feed/span-sums.js';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createBenchDatabase } from './bench-database.js';
import { bulkTemplates } from './workloads/events.js';

/*
 * The CPU of summing one checkpoint span on PostgreSQL (docs/benchmarks.md, "PostgreSQL span sums from
 * the process's own commits, 2026-12-05"): on a fresh database, one process writes `commits` group
 * commits of 512 W1-like bulk entries (5,000 products, Engine.changeOnHand), then sums span 0 (`span`
 * positions) `runs` times four ways: the entries read back and decoded as the checkpointer did before
 * (feed reads of 2,000, from the writer's memory where it holds them), the writer's own sum
 * (feed.sumSpan: held commits from the changes they were written from), and by a second store (another
 * process: every entry from the ledger) both ways, read back and summed by the store (only the columns
 * the changes decode from). Reports wall and CPU time (median, min, max) and checks that all four give
 * the same deltas; then the time of writing the span's deltas (feed.writeSpan) after each sum.
 * Usage: npx tsx bench/pg-span-sum.ts postgres://…/postgres [commits 20] [span 10000] [runs 10]
 */
const adminUrl = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const commits = Number(process.argv[3] ?? 20);
const span = Number(process.argv[4] ?? 10_000);
const runs = Number(process.argv[5] ?? 10);

const database = await createBenchDatabase(adminUrl);
const writer = await PostgresStore.connect({ connectionString: database.url });
const other = await PostgresStore.connect({ connectionString: database.url });

/** The checkpointer's read-back before (pages of 2,000 entries, decoded, summed). */
async function readBack(store: PostgresStore): Promise<SpanDelta[]> {
  const sums = new SpanSums();
  for (let cursor = 0; cursor < span; ) {
    const page = await store.feed.read('w7', cursor, 2000);
    for (const record of page) if (record.position <= span) sums.add(record.partitionId, record.changes);
    const last = page.at(-1);
    if (!last || page.length < 2000 || last.position >= span) break;
    cursor = last.position;
  }
  return sums.deltas();
}

try {
  await writer.migrate();
  await writer.feed.start();
  const engine = new Engine({ store: writer, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
  await engine.environments.create('w7');
  const bodies = bulkTemplates(10, 512, 5000);
  for (let n = 0; n < commits; n++) {
    const text = (bodies[n % bodies.length] as string).replaceAll('[<id>]', `r${n}`);
    const items = (JSON.parse(text) as unknown[]).map((input, i) => ({ input, path: `/${i}` }));
    const outcomes = await engine.changeOnHand('w7', items as Parameters<Engine['changeOnHand']>[1]);
    if (outcomes.some((o) => o.status !== 'success')) throw new Error('an event failed');
  }
  await writer.feed.settleAll(10_000);
  const ways = {
    'read back (before)': () => readBack(writer),
    'own sum (memory)': async () => (await writer.feed.sumSpan('w7', 0, span)) ?? [],
    'other process, read back (before)': () => readBack(other),
    'other process (database)': async () => (await other.feed.sumSpan('w7', 0, span)) ?? [],
  } as const;
  let spare = 1_000_000;
  const written = async () => {
    const deltas = (await writer.feed.sumSpan('w7', 0, span)) ?? [];
    const cpu = process.cpuUsage();
    const start = performance.now();
    await writer.feed.writeSpan('w7', spare++, deltas);
    return { wall: performance.now() - start, cpu: process.cpuUsage(cpu), values: deltas.length };
  };
  const times = new Map<string, { wall: number[]; cpu: number[] }>();
  for (let run = 0; run < runs + 2; run++) {
    const texts = new Set<string>();
    for (const [label, sum] of Object.entries(ways)) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      const deltas = await sum();
      const wall = performance.now() - start;
      const used = process.cpuUsage(cpu);
      texts.add(JSON.stringify(deltas, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
      if (run < 2) continue; // warm-up
      const t = times.get(label) ?? { wall: [], cpu: [] };
      t.wall.push(wall);
      t.cpu.push((used.user + used.system) / 1000);
      times.set(label, t);
    }
    if (texts.size !== 1) throw new Error('the sums differ');
    // The span's write that follows its sum (a span number no one reads, so each write inserts).
    const write = await written();
    if (run < 2) continue;
    const t = times.get(`writeSpan (${write.values} values)`) ?? { wall: [], cpu: [] };
    t.wall.push(write.wall);
    t.cpu.push((write.cpu.user + write.cpu.system) / 1000);
    times.set(`writeSpan (${write.values} values)`, t);
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[s.length >> 1]?.toFixed(1)} (min ${s[0]?.toFixed(1)}, max ${s.at(-1)?.toFixed(1)}) ms`;
  };
  console.log(`${commits} commits of 512, span of ${span} positions, ${runs} sums each; the sums agree`);
  for (const [label, t] of times) console.log(`${label}: wall ${stats(t.wall)}; CPU ${stats(t.cpu)}`);
  console.log(`held: ${JSON.stringify(writer.feed.held)}`);
} finally {
  await writer.close();
  await other.close();
  await database.drop();
}
