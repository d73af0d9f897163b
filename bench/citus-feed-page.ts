import pg from 'pg';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { readFeedSql } from '../src/store/postgres/feed/feed-statements.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createCitusBenchSchema } from './bench-database.js';
import { ledgerRows } from './citus-plan-rows.js';
import { bulkTemplates } from './workloads/events.js';

/*
 * The Citus feed page read of a reader far behind (docs/benchmarks.md, "Citus feed page reads,
 * 2026-12-05"): in a fresh distributed schema (32 shards per table), one process writes `commits` group
 * commits of `size` W1-like bulk entries each (5,000 products at 4 locations: four partitions, so four
 * commit rows per commit, Engine.changeOnHand), then, for cursors from the start to near the head, reads
 * a page of `limit` entries `runs` times (store.feed.read: the fenced read of citus-feed.ts) and runs
 * EXPLAIN ANALYZE of readFeedSql(true) for it once (citus.explain_all_tasks on: every shard's plan), to
 * count the ledger rows its plans visited on the workers. Reports the wall time per page (median, min,
 * max), those rows and the statement's execution time, and checks that each page is the `limit` entries
 * after the cursor of one read of the whole feed. With KEEP=1 the schema is kept (its URL printed) for
 * bench/citus-feed-statements.ts.
 * Usage: npx tsx bench/citus-feed-page.ts postgres://…/onhand [commits 100] [size 512] [limit 100] [runs 20]
 */
const citusUrl = process.argv[2] ?? 'postgres://postgres@127.0.0.1:55501/onhand';
const commits = Number(process.argv[3] ?? 100);
const size = Number(process.argv[4] ?? 512);
const limit = Number(process.argv[5] ?? 100);
const runs = Number(process.argv[6] ?? 20);
const ENV = 'w1';

const schema = await createCitusBenchSchema(citusUrl, true);
const store = await PostgresStore.connect({ connectionString: schema.url, poolSize: 4 });
const explain = new pg.Client({ connectionString: schema.url });
try {
  await store.feed.start();
  const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
  await engine.environments.create(ENV);
  const bodies = bulkTemplates(10, size, 5000);
  const started = performance.now();
  for (let n = 0; n < commits; n++) {
    const text = (bodies[n % bodies.length] as string).replaceAll('[<id>]', `r${n}`);
    const items = (JSON.parse(text) as unknown[]).map((input, i) => ({ input, path: `/${i}` }));
    const outcomes = await engine.changeOnHand(ENV, items as Parameters<Engine['changeOnHand']>[1]);
    if (outcomes.some((o) => o.status !== 'success')) throw new Error('an event failed');
  }
  await store.feed.settleAll(60_000);
  const head = await store.feed.head();
  console.log(
    `${commits} commits of ${size} written and stamped in ${(performance.now() - started) / 1000} s`,
  );
  const all = await store.feed.read(ENV, 0, head);
  if (all.length !== commits * size) throw new Error(`the feed holds ${all.length} entries`);
  await explain.connect();
  await explain.query('SET citus.explain_all_tasks = on');
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[s.length >> 1]?.toFixed(1)} (min ${s[0]?.toFixed(1)}, max ${s.at(-1)?.toFixed(1)}) ms`;
  };
  // From the start, in the middle of the first commit row, halfway, and a page behind the head.
  for (const after of [0, 50, Math.floor(head / 2), head - 2 * limit]) {
    const from = all.findIndex((e) => e.position > after);
    const expected = JSON.stringify(all.slice(from, from + limit), (_, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    const wall: number[] = [];
    for (let run = 0; run < runs + 2; run++) {
      const start = performance.now();
      const page = await store.feed.read(ENV, after, limit);
      const took = performance.now() - start;
      if (JSON.stringify(page, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) !== expected)
        throw new Error(`the page after ${after} differs from the whole feed's`);
      if (run >= 2) wall.push(took); // two warm-up reads
    }
    const { rows } = await explain.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${readFeedSql(true)}`, [
      ENV,
      after,
      limit,
    ]);
    const plan = rows[0]['QUERY PLAN'] as { 'Execution Time': number }[];
    console.log(
      `after ${after} (head ${head}): page of ${limit} wall ${stats(wall)}; ` +
        `EXPLAIN ANALYZE: ${ledgerRows(plan)} ledger rows, ${plan[0]?.['Execution Time'].toFixed(1)} ms`,
    );
  }
} finally {
  await explain.end().catch(() => undefined);
  await store.close();
  if (process.env.KEEP === '1') console.log(`kept: ${schema.url}`);
  else await schema.drop();
}
