import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerRows } from '../../bench/citus-plan-rows.js';
import { readFeedSql } from '../../src/store/postgres/feed/feed-statements.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { ENV, OTHER } from '../store/fixtures.js';
import {
  CITUS_MISSING,
  type CitusSchema,
  citusMode,
  createCitusSchema,
  runSql,
  TEST_SHARDS,
} from '../support/citus.js';
import { appendOne, entries } from '../support/held-commits.js';

/*
 * A feed page read on Citus (feed-statements.ts readFeedSql(true)) joins only the commit rows its limit
 * needs, as on plain PostgreSQL: a commit row there covers one partition's entries of a commit, at
 * consecutive positions, or all of them for a row written before the tables were distributed ('*').
 * A reader far behind large commits over several partitions reads about a page of ledger rows, and every
 * page is the slice of the whole feed, wherever the cursor falls in a commit row.
 */

const PARTITIONS = ['org1~s0~l1', 'org1~s1~l1', 'org1~s2~l1', 'org1~s3~l1'];

/** `count` entries of ENV with event ids `{prefix}-{i}`, entry i in partition i mod 4 (seqs interleaved). */
const spread = (prefix: string, count: number) =>
  entries(prefix, count).map((e, i) => ({ ...e, partitionId: PARTITIONS[i % 4] as string }));

function describeFeedPage(): void {
  let schema: CitusSchema;
  const stores: PostgresStore[] = [];
  const open = async () => {
    const store = await PostgresStore.connect({ connectionString: schema.url, poolSize: 4 });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    schema = await createCitusSchema({ distribute: false });
  }, 60_000);
  afterAll(async () => {
    for (const store of stores) await store.close();
    await schema?.drop();
  });

  it('joins only the commit rows its limit needs, and answers every page as a read of every commit', async () => {
    // Three commits of 120 entries written before the tables are distributed (one row each: '*' after).
    const before = await open();
    await before.migrate();
    await before.feed.start();
    for (let c = 0; c < 3; c++) {
      await appendOne(before, spread(`old${c}`, 120));
      await appendOne(before, entries(`o-old${c}`, 2, {}, OTHER));
    }
    expect(await before.feed.settleAll(30_000)).toBeDefined();
    await before.distribute({ shardCount: TEST_SHARDS });
    // Then eight commits of 240 entries over four partitions (four rows each), another environment's between.
    const writer = await open();
    expect(writer.partitioned).toBe(true);
    await writer.feed.start();
    for (let c = 0; c < 8; c++) {
      await appendOne(writer, spread(`new${c}`, 240));
      await appendOne(writer, entries(`o-new${c}`, 3, {}, OTHER));
    }
    expect(await writer.feed.settleAll(30_000)).toBeDefined();
    const rows = await runSql<{ partition_id: string; position: string; last_position: string }>(
      schema.url,
      `SELECT partition_id, position, last_position FROM feed_commits
        WHERE environment_id = $1 ORDER BY position`,
      [ENV],
    );
    expect(rows.map((r) => r.partition_id)).toEqual([
      ...['*', '*', '*'],
      ...Array.from({ length: 8 }, () => PARTITIONS).flat(),
    ]);

    const all = await writer.feed.read(ENV, 0, 100_000);
    // A commit's entries come partition by partition (its rows are stamped by partition), each by seq.
    const ids = (prefix: string, count: number, p: number) =>
      Array.from({ length: count }, (_, i) => i)
        .filter((i) => i % 4 === p)
        .map((i) => `${prefix}-${i}`);
    expect(all.map((e) => e.eventId)).toEqual([
      ...[0, 1, 2].flatMap((c) => Array.from({ length: 120 }, (_, i) => `old${c}-${i}`)),
      ...Array.from({ length: 8 }, (_, c) => [0, 1, 2, 3].flatMap((p) => ids(`new${c}`, 240, p))).flat(),
    ]);
    // The positions are exactly those of the environment's commit rows, in order.
    expect(all.map((e) => e.position)).toEqual(
      rows.flatMap((r) =>
        Array.from(
          { length: Number(r.last_position) - Number(r.position) + 1 },
          (_, i) => Number(r.position) + i,
        ),
      ),
    );

    const positions = all.map((e) => e.position);
    // Cursors: before everything, on a '*' row's first entry and in its middle, on the last '*' entry,
    // in the middle of a partition's row, on a row's last entry, a few entries before the end, at the end.
    for (const index of [-1, 0, 50, 359, 389, 419, 1000, 2275, 2279]) {
      const after = index < 0 ? 0 : (positions[index] ?? 0);
      for (const limit of [1, 7, 60, 61, 250, 1000]) {
        const from = positions.findIndex((p) => p > after);
        expect(await writer.feed.read(ENV, after, limit), `after ${after}, limit ${limit}`).toEqual(
          from < 0 ? [] : all.slice(from, from + limit),
        );
      }
    }

    // A page of 10 from the start visits one '*' row's 120 entries (780 before: ten commit rows' worth);
    // a page of 100 from the middle of a 60-entry row, three rows of one commit: its 240 rows, the seq
    // range of those three rows (1,920 before: all 32 later rows; on a larger ledger, every row of it).
    const rowsRead = async (after: number, limit: number) => {
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      try {
        await client.query('SET citus.explain_all_tasks = on'); // every shard's plan, not one
        const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${readFeedSql(true)}`, [
          ENV,
          after,
          limit,
        ]);
        return ledgerRows(rows[0]?.['QUERY PLAN']);
      } finally {
        await client.end();
      }
    };
    expect(await rowsRead(0, 10)).toBeLessThanOrEqual(120);
    expect(await rowsRead(positions[389] ?? 0, 100)).toBeLessThanOrEqual(240);
  }, 120_000);

  it('reads commits whose ledger rows interleave in seq whole, each page a slice of the feed', async () => {
    // The distributed writer of the test above (its sequencer stamps these commits too).
    const writer = stores[1];
    expect(writer?.partitioned).toBe(true);
    if (!writer) return;
    const INTER = 'interleaved';
    const part = (prefix: string, from: number, count: number) =>
      entries(prefix, from + count, {}, INTER)
        .slice(from)
        .map((e, i) => ({ ...e, partitionId: PARTITIONS[(from + i) % 4] as string }));
    const turn = () => {
      let go = () => {};
      const done = new Promise<void>((resolve) => {
        go = resolve;
      });
      return { done, go };
    };
    const [a1, b1, a2] = [turn(), turn(), turn()];
    // Two transactions append alternately before either commits: each commit's seq range holds the other's.
    await Promise.all([
      writer.transaction(['inter-a'], async (tx) => {
        await tx.appendLedger(part('a', 0, 30));
        a1.go();
        await b1.done;
        await tx.appendLedger(part('a', 30, 30));
        a2.go();
      }),
      writer.transaction(['inter-b'], async (tx) => {
        await a1.done;
        await tx.appendLedger(part('b', 0, 30));
        b1.go();
        await a2.done;
        await tx.appendLedger(part('b', 30, 30));
      }),
    ]);
    expect(await writer.feed.settleAll(30_000)).toBeDefined();
    const all = await writer.feed.read(INTER, 0, 100_000);
    const expected = [...entries('a', 60), ...entries('b', 60)].map((e) => e.eventId);
    expect(all.map((e) => e.eventId).sort()).toEqual(expected.sort());
    // The seqs did interleave: each commit's seq range holds entries of the other.
    const seqs = (c: string) => all.filter((e) => e.eventId?.startsWith(`${c}-`)).map((e) => e.seq);
    for (const [c, other] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      const [low, high] = [Math.min(...seqs(c)), Math.max(...seqs(c))];
      expect(seqs(other).some((seq) => seq > low && seq < high)).toBe(true);
    }
    // Each commit's entries are consecutive, whichever commit came first.
    const commits = all.map((e) => e.eventId?.[0]).join('');
    expect(['a'.repeat(60) + 'b'.repeat(60), 'b'.repeat(60) + 'a'.repeat(60)]).toContain(commits);
    const positions = all.map((e) => e.position);
    for (const index of [-1, 0, 14, 29, 59, 60, 89, 118]) {
      const after = index < 0 ? 0 : (positions[index] ?? 0);
      for (const limit of [1, 7, 15, 16, 61, 1000]) {
        const from = positions.findIndex((p) => p > after);
        expect(await writer.feed.read(INTER, after, limit), `after ${after}, limit ${limit}`).toEqual(
          from < 0 ? [] : all.slice(from, from + limit),
        );
      }
    }
  }, 60_000);
}

const mode = citusMode();
if (mode === 'run') describe('Citus: a feed page read', describeFeedPage);
else if (mode === 'fail')
  it('Citus feed page tests run in CI', () => {
    throw new Error(CITUS_MISSING);
  });
else describe.skip('Citus feed page [skipped: set ONHAND_TEST_CITUS_URL=postgres://… to run]', () => {});
