import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { pgTypes } from '../../src/store/postgres/connection.js';
import { stampRound } from '../../src/store/postgres/feed/stamp-round.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { ENV, entry, environment, OTHER, row, sleep } from './fixtures.js';

/*
 * deleteOrphanedData against the feed sequencer on plain PostgreSQL (src/store/postgres/orphaned-data.ts):
 * a stamping round (stamp-round.ts) updates the unstamped feed_commits rows of every environment while
 * the deletion deletes those of the orphaned one, both really in parallel on their own connections.
 * The environment's commit rows lie in the table in the reverse of their key order (as rows that are
 * updated or inserted out of commit order come to lie), so that the stamping's join and the deletion's
 * index scan meet them in different orders: without the deletion waiting for the stamping (and keeping
 * the next one off) first, the two deadlock.
 */

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const run = testBackends().includes('postgres') ? describe : describe.skip;

/** Unstamped commit rows, alternately ENV's and OTHER's, inserted newest commit id first. */
const UNSTAMPED_COMMITS = `INSERT INTO feed_commits (environment_id, commit_id, first_seq, last_seq, entries)
  SELECT CASE WHEN id % 2 = 0 THEN $1 ELSE $2 END, id, id, id, 1
  FROM (SELECT nextval('ledger_seq') AS id FROM generate_series(1, $3)) s ORDER BY id DESC`;

/** Stamped commit rows of other environments (not OTHER's: its counts stay small). */
const HISTORY = `INSERT INTO feed_commits (environment_id, commit_id, first_seq, last_seq, entries, position,
    last_position, fed_at)
  SELECT 'history-' || (id % 50), id, id, id, 1, id, id, '2024-01-01T00:00:00.000Z'
  FROM (SELECT nextval('ledger_seq') AS id FROM generate_series(1, $1)) s`;
const HISTORY_ROWS = 100_000;
/** Unstamped commit rows written per iteration, half of them ENV's. */
const COMMITS = 1200;

const ENV_TABLES = ['stock', 'ledger', 'reservations', 'feed_commits', 'feed_spans', 'feed_followers'];

async function counts(db: pg.Client, env: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of ENV_TABLES) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE environment_id = $1`,
      [env],
    );
    result[table] = rows[0]?.n ?? -1;
  }
  return result;
}

interface Race {
  readonly store: PostgresStore;
  /** The stamping connection (the sequencer's, in a server). */
  readonly stamper: pg.Client;
  /** A plain connection for setup and inspection. */
  readonly db: pg.Client;
}

/** A migrated database with OTHER's environment record and a feed history, analysed. */
async function raceDatabase(): Promise<Race> {
  const database = await createTestDatabase();
  cleanup.push(database.drop);
  // No sequencer of its own (feed.start is not called): the test stamps on its own connection.
  const store = await PostgresStore.connect({ connectionString: database.url, poolSize: 4 });
  cleanup.push(() => store.close());
  await store.migrate();
  await store.saveEnvironment(environment({ environmentId: OTHER }));
  const stamper = new pg.Client({ connectionString: database.url, types: pgTypes });
  await stamper.connect();
  cleanup.push(() => stamper.end());
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  cleanup.push(() => db.end());
  // A feed's history (stamped commit rows of other environments), analysed: the plans of a real feed,
  // where the stamping probes the hashed table with its round's commits in commit id order and the
  // deletion reads the environment's rows by bitmap, in the order they lie in the table.
  await db.query(HISTORY, [HISTORY_ROWS]);
  await seed({ store, stamper, db }, 0);
  await db.query('ANALYZE feed_commits');
  return { store, stamper, db };
}

/** What an interrupted import leaves under ENV (which has no environment record), and OTHER's own data. */
async function seed({ store, db }: Race, i: number): Promise<void> {
  for (const env of [ENV, OTHER]) {
    await store.transaction([`k-${env}`], async (tx) => {
      await tx.writeRows(env, [row({ productId: `p${i}` })]);
      await tx.appendLedger([entry({ environmentId: env, eventId: `e${i}` })]);
    });
    await store.feed.saveFollowerPosition(env, `relay-${i}`, i + 1);
    await store.feed.writeSpan(env, i, [
      {
        partitionId: 'p',
        organizationId: 'org1',
        productId: `p${i}`,
        dimensions: {},
        dataSource: 'pos',
        measure: 'inbound',
        date: null,
        delta: 1n,
        created: true,
        span: i,
      },
    ]);
  }
  await db.query(UNSTAMPED_COMMITS, [ENV, OTHER, COMMITS]);
}

/** Both settled without an error; ENV has nothing left, OTHER what it had; the rest stamps. */
async function expectOutcome(
  { stamper, db }: Race,
  outcomes: PromiseSettledResult<unknown>[],
  other: Record<string, number>,
): Promise<void> {
  expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  expect(outcomes[1]).toEqual({ status: 'fulfilled', value: true });
  expect(await counts(db, ENV)).toEqual(Object.fromEntries(ENV_TABLES.map((t) => [t, 0])));
  expect(await counts(db, OTHER)).toEqual(other);
  // Whatever the round left unstamped of OTHER is stamped by the next ones; none of ENV's is left.
  while ((await stampRound(stamper, clock, false)).stamped > 0) {}
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM feed_commits WHERE position IS NULL',
  );
  expect(rows[0]?.n).toBe(0);
}

const clock = () => new Date();

/** Waits until `count` backends of the database wait for a lock (a condition, polled; no time is asserted). */
async function waitingForLocks(db: pg.Client, count: number): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) >= count) return;
    await sleep(5);
  }
}

run('deleteOrphanedData racing the PostgreSQL feed sequencer', () => {
  it("meets a stamping round halfway through the environment's commits, and neither fails", async () => {
    const race = await raceDatabase();
    const { store, stamper, db } = race;
    for (let i = 0; i < 5; i++) {
      if (i > 0) await seed(race, i);
      const other = await counts(db, OTHER);
      // A third transaction holds ENV's middle commit row: the round (in commit id order) stops there
      // having stamped the rows before it, and the deletion (in the table's order, the reverse) stops
      // there having deleted those after it; then it lets go, and each goes on into the other's rows.
      const { rows } = await db.query<{ commit_id: string }>(
        `SELECT commit_id FROM feed_commits WHERE environment_id = $1 AND position IS NULL
         ORDER BY commit_id OFFSET $2 LIMIT 1`,
        [ENV, COMMITS / 4],
      );
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM feed_commits WHERE environment_id = $1 AND commit_id = $2 FOR UPDATE', [
        ENV,
        rows[0]?.commit_id,
      ]);
      const outcomes = Promise.allSettled([stampRound(stamper, clock, false), store.deleteOrphanedData(ENV)]);
      await waitingForLocks(db, 2);
      await db.query('COMMIT');
      await expectOutcome(race, await outcomes, other);
    }
    expect(await store.readLedger(OTHER, 0, 1000)).toHaveLength(5);
  }, 60_000);

  it('never fails against stamping rounds started at every moment of its work', async () => {
    const race = await raceDatabase();
    const { store, stamper, db } = race;
    const iterations = 40;
    for (let i = 0; i < iterations; i++) {
      if (i > 0) await seed(race, i);
      const other = await counts(db, OTHER);
      const outcomes = await Promise.allSettled([
        stampRound(stamper, clock, false),
        // Started a little later each iteration (the round spends its first tens of milliseconds hashing
        // the table), so that it meets the round at every stage of its work.
        sleep((i * 7) % 100).then(() => store.deleteOrphanedData(ENV)),
      ]);
      await expectOutcome(race, outcomes, other);
    }
    expect(await store.hasStock(OTHER)).toBe(true);
    expect(await store.readLedger(OTHER, 0, 1000)).toHaveLength(iterations);
    expect(await store.readLedger(ENV, 0, 1000)).toEqual([]);
  }, 180_000);
});
