import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { SPAN_SIZE } from '../src/engine/feed/checkpointer.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createBenchDatabase } from './bench-database.js';

/*
 * The cost of an as-of query (docs/feed.md, "As of a past moment"; docs/benchmarks.md, "As-of queries'
 * cost"): on a fresh store, a history of `entries` on-hand changes (bulk requests of 500 events over 4
 * products × 3 sites × 5 colours, inbound and outbound) written through Engine.changeOnHand while the
 * checkpointer runs as in the server (started; one last pass at the end, so every complete span of
 * SPAN_SIZE positions has its checkpoint). Then the same index query (one product, grouped by site and
 * colour) is timed now (no asOf) and as of positions at several distances from the head, `runs` times
 * each in turn after one warm-up round; each as-of answer is checked against the answer the query gave
 * when the head stood at that position. Reports the median, min and max wall time per distance, and
 * writes them to bench/results/<time>-as-of-cost.json.
 * --analyze: on PostgreSQL, ANALYZE the tables once the history is written (what autovacuum would do).
 * Usage: npx tsx bench/as-of-cost.ts [--entries 100000] [--runs 15] [--postgres-url URL] [--skip-sqlite]
 *   [--analyze]
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const entries = Number(arg('entries', '100000'));
const runs = Number(arg('runs', '15'));
const postgresUrl = arg('postgres-url', '');
const skipSqlite = process.argv.includes('--skip-sqlite');
const DISTANCES = [500, 1_000, 10_000, 25_000, 50_000, 99_000].filter((d) => d < entries);
const BODY = 500;
const PRODUCTS = ['A1', 'A2', 'A3', 'A4'];
const QUERY = {
  filters: { organizationId: ['usmf'], productId: ['A1'] },
  groupByValues: ['siteId', 'colorId'],
  returnNegative: true,
};

/** Per backend: entries, write time and each query's wall times (ms). */
const results: Record<string, unknown> = {};

function body(n: number): { input: unknown; path: string }[] {
  return Array.from({ length: BODY }, (_, i) => {
    const k = n * BODY + i;
    return {
      path: `/${i}`,
      input: {
        id: `e${k}`,
        organizationId: 'usmf',
        productId: PRODUCTS[k % PRODUCTS.length],
        dimensionDataSource: 'pos',
        dimensions: { siteId: String(1 + (k % 3)), locationId: '11', colorId: `c${k % 5}` },
        quantities: { pos: k % 4 === 3 ? { outbound: 1 } : { inbound: 2 } },
      },
    };
  });
}

async function measure(label: string, store: Store, analyze?: () => Promise<void>): Promise<void> {
  await store.migrate();
  await store.feed.start?.();
  const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
  await engine.environments.create('asof');
  engine.checkpointer.start();
  const answer = async (asOf?: string) =>
    JSON.stringify(await engine.indexQuery('asof', QUERY, asOf === undefined ? {} : { asOf }), (_, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
  const written = performance.now();
  // The answers at the positions to be asked for later, taken when the head stood there.
  const expected = new Map<number, string>();
  let head = 0;
  for (let n = 0; head < entries; n++) {
    const outcomes = await engine.changeOnHand('asof', body(n) as Parameters<Engine['changeOnHand']>[1]);
    if (outcomes.some((o) => o.status !== 'success')) throw new Error('an event failed');
    await store.feed.settleAll(10_000);
    head = await store.feed.head();
    expected.set(head, await answer());
  }
  await engine.checkpointer.runOnce();
  await analyze?.();
  const writeSeconds = (performance.now() - written) / 1000;
  // Each distance rounds down to a position where an answer was taken (bodies of 500 entries).
  const targets = DISTANCES.map((d) => {
    const wanted = head - d;
    const at = [...expected.keys()].filter((p) => p <= wanted).sort((a, b) => b - a)[0];
    return { distance: d, position: at ?? 0 };
  }).filter((t) => t.position > 0);
  const cases: { name: string; asOf?: string; check?: string }[] = [
    { name: 'now (no asOf)' },
    ...targets.map((t) => ({
      name: `as of head − ${(head - t.position).toLocaleString('en')}`,
      asOf: String(t.position),
      check: expected.get(t.position) ?? '',
    })),
  ];
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let run = 0; run <= runs; run++) {
    for (const c of cases) {
      const start = performance.now();
      const got = await answer(c.asOf);
      const ms = performance.now() - start;
      if (c.check !== undefined && got !== c.check) throw new Error(`${c.name}: answer differs from then`);
      if (run > 0) times.get(c.name)?.push(ms); // run 0: warm-up
    }
  }
  console.log(
    `${label}: ${head.toLocaleString('en')} entries written in ${writeSeconds.toFixed(1)} s ` +
      `(span ${SPAN_SIZE.toLocaleString('en')} positions), ${runs} runs per query`,
  );
  const queries: Record<string, unknown>[] = [];
  for (const c of cases) {
    const s = [...(times.get(c.name) ?? [])].sort((a, b) => a - b);
    queries.push({
      query: c.name,
      asOf: c.asOf ?? null,
      medianMs: s[s.length >> 1],
      minMs: s[0],
      maxMs: s.at(-1),
    });
    console.log(
      `  ${c.name.padEnd(26)} median ${s[s.length >> 1]?.toFixed(1)} ms (min ${s[0]?.toFixed(1)}, max ${s.at(-1)?.toFixed(1)})`,
    );
  }
  results[label] = { entries: head, spanSize: SPAN_SIZE, writeSeconds, runs, queries };
  await engine.checkpointer.stop();
  await engine.drain();
}

if (!skipSqlite) {
  const dir = mkdtempSync(join(tmpdir(), 'onhand-as-of-'));
  const store = SqliteStore.open({ file: join(dir, 'bench.db') });
  try {
    await measure('SQLite', store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
if (postgresUrl) {
  const database = await createBenchDatabase(postgresUrl);
  const store = await PostgresStore.connect({ connectionString: database.url });
  try {
    const analyze = process.argv.includes('--analyze')
      ? async () => {
          const client = new pg.Client({ connectionString: database.url });
          await client.connect();
          await client.query('ANALYZE');
          await client.end();
        }
      : undefined;
    await measure(analyze ? 'PostgreSQL (analyzed)' : 'PostgreSQL', store, analyze);
  } finally {
    await store.close();
    await database.drop();
  }
}

const stamp = new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-');
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
const file = join(import.meta.dirname, 'results', `${stamp}-as-of-cost.json`);
writeFileSync(
  file,
  `${JSON.stringify({ bench: 'as-of-cost', at: new Date().toISOString(), results }, null, 2)}\n`,
);
console.log(`results: ${file}`);
