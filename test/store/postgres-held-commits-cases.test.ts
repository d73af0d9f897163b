import { afterEach, describe, expect, it } from 'vitest';
import { appendAtCommit } from '../../src/engine/group-commit.js';
import { testBackends } from '../support/backends.js';
import { appendOne, entries, expectSameReads, heldCommitsDatabase } from '../support/held-commits.js';
import { ENV, entry, OTHER, settle } from './fixtures.js';

/*
 * The PostgreSQL feed's reads from memory (src/store/postgres/feed/feed-read.ts) in the transactions'
 * less usual shapes: several appends of both kinds and several environments in one commit, interleaved
 * with another transaction's; a commit whose rows were collected before its COMMIT failed; a text the
 * database stores otherwise than JavaScript holds it; an environment whose data is deleted.
 */

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const run = testBackends().includes('postgres') ? describe : describe.skip;

run('the PostgreSQL feed reading its own commits from memory, less usual transactions', () => {
  it('holds appends of both kinds and of several environments in one commit, interleaved with another', async () => {
    const { open } = await heldCommitsDatabase(cleanup);
    const a = await open();
    const fresh = await open();
    const before = a.feed.held.reads;
    const first = a.transaction([], async (tx) => {
      await appendAtCommit(tx, [...entries('x1', 2), ...entries('y1', 2, {}, OTHER), ...entries('x1b', 1)]);
      await sleep(30);
      await tx.appendLedger([...entries('y2', 1, {}, OTHER), ...entries('x2', 3)]);
      await sleep(30);
      await appendAtCommit(tx, entries('x3', 2));
    });
    // Its seqs interleave with the first's: the commit id, not the seq range, tells them apart.
    const second = a.transaction([], async (tx) => {
      for (let i = 0; i < 3; i++) {
        await sleep(20);
        await tx.appendLedger([...entries(`z${i}`, 2), ...entries(`w${i}`, 1, {}, OTHER)]);
      }
    });
    await Promise.all([first, second]);
    // Two transactions, each with entries of two environments.
    expect(a.feed.held.commits).toBe(4);
    await expectSameReads(a, fresh, [ENV, OTHER]);
    expect(a.feed.held.reads).toBeGreaterThan(before);
    expect((await a.feed.read(OTHER, 0, 100)).map((r) => r.eventId)).toHaveLength(6);
  });

  it('never holds rows collected before a COMMIT that failed', async () => {
    const { open } = await heldCommitsDatabase(cleanup);
    const a = await open();
    const fresh = await open();
    await appendOne(a, entries('kept', 1));
    const held = a.feed.held;
    const failed = await settle(
      a.transaction([], async (tx) => {
        await tx.appendLedger(entries('good', 2)); // collected at once
        await appendAtCommit(tx, entries('kept', 1)); // fails at COMMIT: the event id is recorded
      }),
    );
    expect(failed.ok).toBe(false);
    expect(a.feed.held).toMatchObject({ commits: held.commits, rows: held.rows });
    await expectSameReads(a, fresh, [ENV]);
    expect((await a.feed.read(ENV, 0, 100)).map((r) => r.eventId)).toEqual(['kept-0']);
  });

  it('holds a text column as the database stores it (a lone surrogate becomes U+FFFD)', async () => {
    const { open } = await heldCommitsDatabase(cleanup);
    const a = await open();
    const fresh = await open();
    await appendOne(a, [entry({ eventId: 'x\ud800', reference: 'r\udc00', outcome: { id: 'x' } })]);
    const before = a.feed.held.reads;
    await expectSameReads(a, fresh, [ENV]);
    expect(a.feed.held.reads).toBeGreaterThan(before);
    const [read] = await a.feed.read(ENV, 0, 1);
    expect(read).toMatchObject({ eventId: 'x\ufffd', reference: 'r\ufffd' });
  });

  it('forgets an environment whose data it deleted', async () => {
    const { open } = await heldCommitsDatabase(cleanup);
    const a = await open();
    const fresh = await open();
    await appendOne(a, entries('o', 3));
    await fresh.feed.settleAll(10_000);
    expect(a.feed.held.commits).toBe(1);
    expect(await a.deleteOrphanedData(ENV)).toBe(true);
    expect(a.feed.held.commits).toBe(0);
    await expectSameReads(a, fresh, [ENV]);
    expect(await a.feed.read(ENV, 0, 10)).toEqual([]);
  });

  it('reads and sums nothing of an environment whose data another process deleted', async () => {
    const { open } = await heldCommitsDatabase(cleanup);
    const a = await open();
    const other = await open();
    await appendOne(a, entries('gone', 3));
    await other.feed.settleAll(10_000);
    expect(a.feed.held.commits).toBe(1);
    // The other process deletes the data of the environment id (it has no record): `a` still holds it.
    expect(await other.deleteOrphanedData(ENV)).toBe(true);
    await expectSameReads(a, other, [ENV]);
    expect(await a.feed.read(ENV, 0, 10)).toEqual([]);
    expect(await a.feed.sumSpan(ENV, 0, 10)).toEqual(await other.feed.sumSpan(ENV, 0, 10));
    expect(await a.feed.sumSpan(ENV, 0, 10)).toEqual([]);
  });
});
