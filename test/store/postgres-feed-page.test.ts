import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { readFeedSql } from '../../src/store/postgres/feed/feed-statements.js';
import { testBackends } from '../support/backends.js';
import { appendOne, entries, heldCommitsDatabase } from '../support/held-commits.js';
import { ENV, OTHER } from './fixtures.js';

/*
 * A feed page read from the database on plain PostgreSQL (feed-statements.ts readFeedSql) joins only the
 * commits its limit needs: a reader far behind large commits reads about a page of ledger rows, not every
 * row of `limit` commits. The pages are the same entries as ever, for every position and limit.
 */
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** The ledger rows the plan of a page read actually visited (EXPLAIN ANALYZE). */
async function ledgerRowsRead(url: string, after: number, limit: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${readFeedSql(false)}`, [
      ENV,
      after,
      limit,
    ]);
    let total = 0;
    const visit = (node: Record<string, unknown>) => {
      if (node['Relation Name'] === 'ledger')
        total += Number(node['Actual Rows']) * Number(node['Actual Loops']);
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
    };
    visit((rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]?.Plan ?? {});
    return total;
  } finally {
    await client.end();
  }
}

describe.runIf(testBackends().includes('postgres'))('a feed page read from the database', () => {
  it('joins only the commits its limit needs, and answers every page as before', async () => {
    const { url, first, open } = await heldCommitsDatabase(cleanup);
    const writer = await open();
    // Ten commits of 200 entries, with commits of another environment between them.
    for (let i = 0; i < 10; i++) {
      await appendOne(writer, entries(`big${i}`, 200));
      await appendOne(writer, entries(`other${i}`, 3, {}, OTHER));
    }
    await first.feed.settleAll(10_000);
    const reader = await open(); // holds nothing: every read is the database's
    const all = await reader.feed.read(ENV, 0, 5000);
    expect(all).toHaveLength(2000);
    expect(all.map((e) => e.eventId)).toEqual(
      Array.from({ length: 10 }, (_, c) => Array.from({ length: 200 }, (_, i) => `big${c}-${i}`)).flat(),
    );
    const positions = all.map((e) => e.position);
    for (const after of [
      0,
      positions[0] ?? 0,
      positions[150] ?? 0,
      positions[199] ?? 0,
      positions[1234] ?? 0,
    ]) {
      for (const limit of [1, 7, 200, 450, 1000]) {
        const from = positions.findIndex((p) => p > after);
        expect(await reader.feed.read(ENV, after, limit), `after ${after}, limit ${limit}`).toEqual(
          all.slice(from, from + limit),
        );
      }
    }
    // A page of 10 from the start visits one commit's rows, not ten commits' (2,000).
    expect(await ledgerRowsRead(url, 0, 10)).toBeLessThanOrEqual(200);
    expect(await ledgerRowsRead(url, positions[150] ?? 0, 100)).toBeLessThanOrEqual(400);
  });
});
