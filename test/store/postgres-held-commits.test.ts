import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { Engine } from '../../src/engine/engine.js';
import { appendAtCommit } from '../../src/engine/group-commit.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { testBackends } from '../support/backends.js';
import { appendOne, entries, expectSameReads, heldCommitsDatabase } from '../support/held-commits.js';
import { AT, reserveBody, stockBody } from '../support/reservation-helpers.js';
import { ENV, entry, OTHER, settle } from './fixtures.js';

/*
 * The PostgreSQL feed answers reads of the entries of its own process's last commits from memory
 * (feed/committed-commits.ts, feed/feed-read.ts) and reads the ledger for the others. Every read must be
 * what a store that holds nothing (another process: its own pool, its own memory) reads from the
 * database, entry by entry, deep-equal, for every kind of entry, in the ledger's formats 1 and 2.
 */

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});
const database = () => heldCommitsDatabase(cleanup);

const engineOf = (store: PostgresStore) => {
  const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
  cleanup.push(() => engine.drain());
  return engine;
};

const onHand = (engine: Engine, env: string, prefix: string, count: number) =>
  engine.changeOnHand(
    env,
    Array.from({ length: count }, (_, i) => ({
      input: stockBody(`${prefix}-${i}`, `P${i % 3}`, { inbound: 10 + i / 10 }) as never,
      path: `/${i}`,
    })),
  );

/** On-hand changes, counts, a reservation and its release, a scheduled change: each kind of entry. */
async function everyKind(engine: Engine, env: string, prefix: string): Promise<void> {
  await onHand(engine, env, `${prefix}-change`, 12);
  const counts = [{ input: stockBody(`${prefix}-count`, 'P1', { inbound: 40 }) as never, path: '/0' }];
  expect((await engine.setOnHand(env, 'pos', counts))[0]?.status).toBe('success');
  const reserve = reserveBody(`${prefix}-reserve`, 'P0', 2, { ifCheckAvailForReserv: false });
  const [reserved] = await engine.reservations.reserve(env, [{ input: reserve as never, path: '' }]);
  expect(reserved?.status).toBe('success');
  const reservationId = reserved?.extra?.reservationId;
  const release = { id: `${prefix}-release`, organizationId: 'usmf', productId: 'P0', reservationId };
  const [released] = await engine.reservations.unreserve(env, [
    { input: { ...release, OffsetQty: 1 } as never, path: '' },
  ]);
  expect(released?.status).toBe('success');
  const dated = { id: `${prefix}-schedule`, organizationId: 'usmf', productId: 'P2', dimensions: AT };
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const quantitiesByDate = { [day]: { pos: { inbound: 5 } } };
  const [scheduled] = await engine.schedules.change(env, [
    { input: { ...dated, quantitiesByDate } as never, path: '' },
  ]);
  expect(scheduled, JSON.stringify(scheduled)).toMatchObject({ status: 'success' });
}

const run = testBackends().includes('postgres') ? describe : describe.skip;

run('the PostgreSQL feed reading its own last commits from memory', () => {
  it('reads every kind of entry, in formats 1 and 2, as the database does; another process reads them from the database', async () => {
    const { url, first, open } = await database();
    // Format 1 first (a database shared with the previous release), then the switch to format 2.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    cleanup.push(() => admin.end());
    await admin.query('UPDATE ledger_format SET write_format = 1 WHERE id = 1');
    const a = await open();
    const b = await open();
    const engineA = engineOf(a);
    const engineB = engineOf(b);
    for (const env of ['e', 'f']) {
      const config = defaultConfiguration(env);
      const atpCalculatedMeasures = { pos: { availquantity: 30 } };
      config.scheduleConfiguration = {
        ...config.scheduleConfiguration,
        isScheduleEnabled: true,
        atpCalculatedMeasures,
      };
      await engineA.environments.create(env);
      await engineA.environments.replace(env, config);
    }
    await everyKind(engineA, 'e', 'a1');
    await everyKind(engineB, 'e', 'b1'); // another process: A reads these from the database
    await everyKind(engineA, 'f', 'a2');
    await onHand(engineA, 'e', 'a3', 5);
    await first.ledgerFormat.writeNewest(new Date().toISOString());
    const c = await open(); // a process started after the switch: it writes format 2 (and 3)
    const engineC = engineOf(c);
    await everyKind(engineC, 'e', 'c1');
    await onHand(engineB, 'f', 'b2', 4);
    await everyKind(engineC, 'f', 'c2');
    const formats = await admin.query<{ format: number | null }>('SELECT DISTINCT format FROM ledger');
    expect(formats.rows.map((r) => r.format).sort()).toEqual([2, 3, null]);

    const fresh = await open();
    const [readsA, readsC] = [a.feed.held.reads, c.feed.held.reads];
    await expectSameReads(a, fresh, ['e', 'f']);
    await expectSameReads(c, fresh, ['e', 'f']);
    await expectSameReads(b, fresh, ['e', 'f']);
    expect(a.feed.held.reads).toBeGreaterThan(readsA);
    expect(c.feed.held.reads).toBeGreaterThan(readsC);
    // Both processes read the same entries, each other's included.
    const all = await a.feed.read('e', 0, 1000);
    expect(all.filter((r) => r.eventId?.startsWith('b1-')).length).toBeGreaterThan(0);
    expect(await b.feed.read('e', 0, 1000)).toEqual(all);

    // The format-1 entries A holds are converted in place in the database: they still read the same.
    while (!(await first.ledgerFormat.convert(1000)).finished);
    expect((await admin.query('SELECT 1 FROM ledger WHERE format IS NULL')).rowCount).toBe(0);
    const before = a.feed.held.reads;
    await expectSameReads(a, fresh, ['e', 'f']);
    expect(a.feed.held.reads).toBeGreaterThan(before);
  });

  it('keeps at most its rows: the oldest commits go first and are read from the database', async () => {
    const { open } = await database();
    const a = await open({ feedMemory: { rows: 10, chars: 1_000_000 } });
    const fresh = await open();
    for (let i = 0; i < 6; i++) {
      await appendOne(a, entries(`r${i}`, 4));
      expect(a.feed.held.rows).toBeLessThanOrEqual(10);
    }
    expect(a.feed.held).toMatchObject({ commits: 2, rows: 8 });
    // A commit larger than the bound on its own is not kept, and leaves the older ones.
    await appendOne(a, entries('big', 11));
    expect(a.feed.held).toMatchObject({ commits: 2, rows: 8 });
    await appendOne(a, entries('last', 3));
    const before = a.feed.held.reads;
    await expectSameReads(a, fresh, [ENV]);
    expect(a.feed.held.reads).toBeGreaterThan(before);
  });

  it('keeps at most its characters, and never grows while nobody stamps', async () => {
    const { url, open } = await database();
    // The sequencer stops: commits wait unstamped, and memory must stay within its bounds meanwhile.
    const stalled = new pg.Client({ connectionString: url });
    await stalled.connect();
    cleanup.push(() => stalled.end());
    const a = await open({ feedMemory: { rows: 1000, chars: 3_000 } });
    const fresh = await open();
    const large = { text: 'x'.repeat(400) };
    await stalled.query('BEGIN');
    await stalled.query('LOCK TABLE feed_state IN ACCESS EXCLUSIVE MODE');
    for (let i = 0; i < 8; i++) {
      await appendOne(a, entries(`c${i}`, 2, large));
      expect(a.feed.held.chars).toBeLessThanOrEqual(3_000);
    }
    expect(a.feed.held.commits).toBeGreaterThan(0);
    expect(a.feed.held.commits).toBeLessThan(8);
    await appendOne(a, [entry({ eventId: 'other', environmentId: OTHER })]);
    await stalled.query('COMMIT');
    const before = a.feed.held.reads;
    await expectSameReads(a, fresh, [ENV, OTHER]);
    expect(a.feed.held.reads).toBeGreaterThan(before);
  });

  it('never holds a transaction that rolled back, nor one whose COMMIT failed', async () => {
    const { open } = await database();
    const a = await open();
    const fresh = await open();
    await appendOne(a, entries('kept', 2));
    const held = a.feed.held;
    const thrown = await settle(
      a.transaction(['k'], async (tx) => {
        await tx.appendLedger(entries('thrown', 3));
        throw new Error('the caller gives up');
      }),
    );
    expect(thrown.ok).toBe(false);
    // The deferred append fails at COMMIT (an event id already recorded): nothing commits.
    const failed = await settle(
      a.transaction(['k'], (tx) => appendAtCommit(tx, [...entries('late', 2), ...entries('kept', 1)])),
    );
    expect(failed.ok).toBe(false);
    expect(a.feed.held).toMatchObject({ commits: held.commits, rows: held.rows });
    await appendOne(a, entries('after', 2));
    await expectSameReads(a, fresh, [ENV]);
    const ids = (await a.feed.read(ENV, 0, 100)).map((r) => r.eventId);
    expect(ids).toEqual(['kept-0', 'kept-1', 'after-0', 'after-1']);
  });
});
