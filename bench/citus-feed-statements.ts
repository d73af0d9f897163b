import pg from 'pg';
import { ledgerRows } from './citus-plan-rows.js';

/*
 * Versions of the Citus feed page read compared on one filled schema (docs/benchmarks.md, "Citus feed
 * page reads, 2026-12-05"): each FILE is a version of src/store/postgres/feed/feed-statements.ts (e.g.
 * `git show REV:src/store/postgres/feed/feed-statements.ts > /tmp/REV.ts`; it imports nothing), whose
 * readFeedSql(true) is run, version after version, for a page of `limit` entries after each cursor,
 * `rounds` times: the wall time of the statement and its EXPLAIN ANALYZE execution time (median, min,
 * max), and once the ledger rows its plans visited on every shard (citus.explain_all_tasks). Every
 * version must answer the same `limit` entries. The schema: one bench/citus-feed-page.ts fills (environment
 * w1), kept with its KEEP=1.
 * Usage: npx tsx bench/citus-feed-statements.ts URL-with-search_path rounds limit FILE…
 */
const [url, roundsArg, limitArg, ...files] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 5);
const limit = Number(limitArg ?? 100);
const versions: [string, string][] = [];
for (const file of files) {
  const module = (await import(file as string)) as { readFeedSql: (citus: boolean) => string };
  versions.push([file as string, module.readFeedSql(true)]);
}

const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await client.query('SET citus.explain_all_tasks = on');
  const head = Number((await client.query('SELECT position FROM feed_state WHERE id = 1')).rows[0]?.position);
  const cursors = [0, 50, Math.floor(head / 2), head - 2 * limit];
  const wall = new Map<string, number[]>();
  const exec = new Map<string, number[]>();
  const rows = new Map<string, number>();
  const answers = new Map<number, string>();
  for (let round = 0; round <= rounds; round++) {
    for (const after of cursors) {
      for (const [file, sql] of versions) {
        const key = `${file}, after ${after}`;
        const start = performance.now();
        const page = await client.query(sql, ['w1', after, limit]);
        const took = performance.now() - start;
        const text = JSON.stringify(page.rows);
        if (page.rows.length !== limit || (answers.get(after) ?? text) !== text)
          throw new Error(`${key}: another answer`);
        answers.set(after, text);
        const explained = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, ['w1', after, limit]);
        const plan = explained.rows[0]['QUERY PLAN'] as { 'Execution Time': number }[];
        if (round === 0)
          rows.set(key, ledgerRows(plan)); // the first round warms up
        else {
          wall.set(key, [...(wall.get(key) ?? []), took]);
          exec.set(key, [...(exec.get(key) ?? []), plan[0]?.['Execution Time'] ?? 0]);
        }
      }
    }
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[s.length >> 1]?.toFixed(1)} (min ${s[0]?.toFixed(1)}, max ${s.at(-1)?.toFixed(1)}) ms`;
  };
  for (const [key, times] of wall)
    console.log(
      `${key}: ${rows.get(key)} ledger rows; wall ${stats(times)}; execution ${stats(exec.get(key) ?? [])}`,
    );
} finally {
  await client.end();
}
