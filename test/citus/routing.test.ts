import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { partitionHintOf, withPartitionHint } from '../../src/domain/reservation/reservation-id-hint.js';
import { Engine } from '../../src/engine/engine.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { CITUS_MISSING, type CitusSchema, citusMode, createCitusSchema } from '../support/citus.js';
import { AT, reserveBody, stockBody } from '../support/reservation-helpers.js';

/*
 * What Citus sends to the workers for the hot operations, read from citus.log_remote_commands (a notice
 * per command sent, its detail naming the worker): each touches the shards of one shard group on one
 * worker, and a write commits there with a plain COMMIT, never PREPARE TRANSACTION (two-phase commit).
 */

const ENV = 'test';
interface Sent {
  readonly command: string;
  readonly worker: string;
  /** The worker connection it went on (a snapshot per connection). */
  readonly connection: string;
}

function describeRouting(): void {
  let schema: CitusSchema;
  let store: PostgresStore;
  let engine: Engine;
  let shardGroup: Map<string, string>;
  const sent: Sent[] = [];

  beforeAll(async () => {
    schema = await createCitusSchema();
    const url = new URL(schema.url);
    url.searchParams.set('options', `${url.searchParams.get('options')} -c citus.log_remote_commands=on`);
    store = await PostgresStore.connect({
      connectionString: url.toString(),
      poolSize: 1,
      onNotice: (message, detail) => {
        const command = /^issuing (.*)$/s.exec(message)?.[1];
        const worker = /on server \S+@(\S+)/.exec(detail)?.[1] ?? '?';
        const connection = /connectionId: (\d+)/.exec(detail)?.[1] ?? '?';
        if (command !== undefined) sent.push({ command, worker, connection });
      },
    });
    await store.migrate();
    engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
    await engine.environments.create(ENV);
    // Shard id → the hash range it covers: co-located shards (one shard group) cover the same range.
    const db = new pg.Client({ connectionString: schema.url });
    await db.connect();
    const shards = await db.query<{ shardid: string; shardminvalue: string }>(
      `SELECT shardid::text, shardminvalue FROM pg_dist_shard WHERE logicalrelid::regclass::text NOT LIKE '%.%'
         OR logicalrelid::regclass::text LIKE current_schema() || '.%'`,
    );
    await db.end();
    shardGroup = new Map(shards.rows.map((r) => [r.shardid, r.shardminvalue]));
  }, 60_000);
  afterAll(async () => {
    await engine?.drain();
    await store?.close();
    await schema?.drop();
  });

  /** The commands sent while `fn` runs, with the shard groups and workers they touched. */
  async function capture(fn: () => Promise<unknown>) {
    sent.length = 0;
    await fn();
    const commands = [...sent];
    const shards = new Set(
      commands.flatMap((s) => [...s.command.matchAll(/_(\d{6,})\b/g)].map((m) => m[1] ?? '')),
    );
    const groups = new Set([...shards].map((id) => shardGroup.get(id) ?? `unknown ${id}`));
    return { commands, shards, groups, workers: new Set(commands.map((c) => c.worker)) };
  }

  /**
   * The commands of the transactions that write, apart from read-only ones (the OCI guard's lookup of
   * the environment's location graph before a reservation, which reads the graph's own shard: one
   * autocommit statement when the environment has no graph, a read-only transaction when it has one).
   */
  function writing(commands: readonly { command: string; worker: string }[]) {
    let readOnly = false;
    const kept: { command: string; worker: string }[] = [];
    const skipped: string[] = [];
    const graphLookup = (command: string) =>
      /^SELECT [^;]* FROM \S+\.oci_graphs_\d+ /.test(command) && !/FOR SHARE/i.test(command);
    for (const c of commands) {
      if (/^BEGIN TRANSACTION[^;]*READ ONLY/.test(c.command)) readOnly = true;
      if (readOnly || graphLookup(c.command)) skipped.push(c.command);
      else kept.push(c);
      if (readOnly && /^COMMIT/.test(c.command)) readOnly = false;
    }
    const shards = new Set(
      kept.flatMap((s) => [...s.command.matchAll(/_(\d{6,})\b/g)].map((m) => m[1] ?? '')),
    );
    return {
      commands: kept,
      skipped,
      groups: new Set([...shards].map((id) => shardGroup.get(id) ?? `unknown ${id}`)),
      workers: new Set(kept.map((c) => c.worker)),
    };
  }

  const change = (id: string, product: string, inbound: number) =>
    engine.changeOnHand(ENV, [{ input: stockBody(id, product, { inbound }) as never, path: '' }]);

  it('an on-hand change touches one shard group on one worker and commits without PREPARE', async () => {
    await change('warm', 'p1', 1);
    const seen = await capture(() => change('e1', 'p1', 10));
    expect(seen.groups.size, seen.commands.map((c) => c.command).join('\n')).toBe(1);
    expect(seen.workers.size, JSON.stringify(seen.commands, null, 1)).toBe(1);
    expect(seen.commands.some((c) => /\bCOMMIT\b/.test(c.command))).toBe(true);
    expect(
      seen.commands.some((c) => /PREPARE TRANSACTION/.test(c.command)),
      seen.commands.map((c) => `${c.worker} ${c.command.slice(0, 90)}`).join('\n'),
    ).toBe(false);
  });

  it('changes to two partitions sent at once commit in one transaction each, without PREPARE', async () => {
    const at = (siteId: string, locationId: string) => ({ siteId, locationId });
    const seen = await capture(() =>
      Promise.all(
        [at('1', '11'), at('2', '21'), at('1', '11')].map((dimensions, i) =>
          engine.changeOnHand(ENV, [
            { input: stockBody(`lanes-${i}`, 'p1', { inbound: 1 }, dimensions) as never, path: '' },
          ]),
        ),
      ),
    );
    // One transaction for all three would end in one COMMIT, or in PREPAREs when the partitions' shards
    // are on two workers.
    const commits = seen.commands.filter((c) => /^COMMIT/.test(c.command));
    expect(
      commits.length,
      seen.commands.map((c) => c.command.slice(0, 90)).join('\n'),
    ).toBeGreaterThanOrEqual(2);
    expect(seen.commands.some((c) => /PREPARE TRANSACTION/.test(c.command))).toBe(false);
  });

  it('a reservation touches one shard group on one worker and commits without PREPARE', async () => {
    await change('stock-p2', 'p2', 10);
    const all = await capture(() =>
      engine.reservations.reserve(ENV, [{ input: reserveBody('r1', 'p2', 2) as never, path: '' }]),
    );
    const seen = writing(all.commands);
    // Before the write, the OCI guard reads the environment's location graph (read-only, its own shard).
    for (const command of seen.skipped)
      expect(command).toMatch(
        /^(BEGIN TRANSACTION[^;]*READ ONLY|SELECT [^;]* FROM \S+\.oci_graphs_\d+ |COMMIT)/,
      );
    expect(seen.groups.size, seen.commands.map((c) => c.command).join('\n')).toBe(1);
    expect(seen.workers.size, JSON.stringify(seen.commands, null, 1)).toBe(1);
    expect(
      seen.commands.some((c) => /PREPARE TRANSACTION/.test(c.command)),
      seen.commands.map((c) => `${c.worker} ${c.command.slice(0, 90)}`).join('\n'),
    ).toBe(false);
  });

  it('an unreserve and a look-up by a reservation id of this store read one shard group', async () => {
    await change('stock-p3', 'p3', 10);
    const [made] = await engine.reservations.reserve(ENV, [
      { input: reserveBody('r3', 'p3', 4) as never, path: '' },
    ]);
    const reservationId = String(made?.extra?.reservationId);
    // The id carries its partition (domain/reservation/reservation-id-hint.ts).
    expect(partitionHintOf(reservationId)).toBe('usmf~1~11');
    const looked = await capture(() => engine.reservations.get(ENV, reservationId));
    expect(looked.groups.size, looked.commands.map((c) => c.command).join('\n')).toBe(1);
    const released = await capture(() =>
      engine.reservations.unreserve(ENV, [
        {
          input: { id: 'u3', organizationId: 'usmf', reservationId, dimensions: AT, OffsetQty: 1 },
          path: '',
        },
      ]),
    );
    const seen = writing(released.commands);
    expect(seen.groups.size, seen.commands.map((c) => c.command).join('\n')).toBe(1);
    expect(seen.commands.some((c) => /PREPARE TRANSACTION/.test(c.command))).toBe(false);
    expect(await engine.reservations.get(ENV, reservationId)).toMatchObject({ remaining: 3_000_000n });
  });

  it('a reservation id without its partition, or with another one, is still found by asking every shard', async () => {
    await change('stock-p4', 'p4', 10);
    const [made] = await engine.reservations.reserve(ENV, [
      { input: reserveBody('r4', 'p4', 4) as never, path: '' },
    ]);
    const reservationId = String(made?.extra?.reservationId);
    const record = await store.getReservation(ENV, reservationId);
    expect(record?.partitionId).toBe('usmf~1~11');
    if (record === undefined) return;
    // As a server without hints made them (an id of before the hint, or of a plain PostgreSQL database
    // distributed later), and one whose hint names another partition.
    const plain = { ...record, reservationId: 'r-plain' };
    const elsewhere = { ...record, reservationId: withPartitionHint('r-elsewhere', 'usmf~2~21') };
    await store.transaction([], (tx) => tx.writeReservations(ENV, [plain, elsewhere]));
    for (const id of [plain.reservationId, elsewhere.reservationId]) {
      const seen = await capture(async () =>
        expect(await store.getReservation(ENV, id)).toMatchObject({
          reservationId: id,
          partitionId: 'usmf~1~11',
        }),
      );
      expect(seen.groups.size).toBeGreaterThan(1);
    }
    expect(await store.getReservation(ENV, withPartitionHint('r-none', 'usmf~1~11'))).toBeUndefined();
  });

  it('a snapshot holds feed_state locked on every worker from before its transaction begins there, and reads each worker on one connection', async () => {
    await change('snap-1', 'p5', 1);
    const seen = await capture(() => store.feed.snapshot(ENV, null, async () => {}));
    const all = seen.commands.map((c) => `${c.worker} ${c.connection} ${c.command}`).join('\n');
    const isLock = (c: Sent) => /LOCK \S*feed_state IN SHARE MODE/.test(c.command);
    const isSnapshotBegin = (c: Sent) => /^BEGIN[^;]*ISOLATION LEVEL REPEATABLE READ/.test(c.command);
    const first = seen.commands.findIndex(isSnapshotBegin);
    expect(first, all).toBeGreaterThan(0);
    // The fence (its own transaction, read committed) holds feed_state on both workers first.
    const fence = seen.commands.slice(0, first);
    expect(new Set(fence.filter(isLock).map((c) => c.worker)).size, all).toBe(2);
    // The snapshot's transaction begins on each worker after that, REPEATABLE READ (one snapshot per
    // worker, which sees every stamp), reads each worker on one connection, and never asks for the lock.
    const snapshot = seen.commands.slice(first);
    expect(snapshot.some(isLock), all).toBe(false);
    expect(snapshot.filter((c) => /^SELECT/.test(c.command)).length, all).toBeGreaterThan(2);
    for (const worker of seen.workers) {
      const begins = snapshot.filter((c) => c.worker === worker && /^BEGIN/.test(c.command));
      expect(begins.length, `${worker}: ${all}`).toBe(1);
      expect(isSnapshotBegin(begins[0] as Sent), all).toBe(true);
      const reads = snapshot.filter((c) => c.worker === worker && /^SELECT/.test(c.command));
      expect(new Set(reads.map((c) => c.connection)).size, `${worker}: ${all}`).toBe(1);
    }
  });

  it('a feed read first locks feed_state on every worker', async () => {
    await change('feed-1', 'p6', 1);
    const seen = await capture(() => store.feed.read(ENV, 0, 100));
    const locks = seen.commands.filter((c) => /LOCK \S*feed_state IN SHARE MODE/.test(c.command));
    expect(new Set(locks.map((c) => c.worker)).size, seen.commands.map((c) => c.command).join('\n')).toBe(2);
    const first = seen.commands.findIndex((c) => /^SELECT/.test(c.command));
    expect(first).toBeGreaterThan(seen.commands.indexOf(locks.at(-1) as Sent));
  });

  it('a query of one product at one site and location reads one shard', async () => {
    const seen = await capture(() =>
      engine.indexQuery(ENV, {
        filters: { organizationId: ['usmf'], productId: ['p1'], siteId: ['1'], locationId: ['11'] },
        groupByValues: [],
        returnNegative: true,
      } as never),
    );
    expect(seen.shards.size, seen.commands.map((c) => c.command).join('\n')).toBe(1);
  });
}

const mode = citusMode();
if (mode === 'run') describe('Citus: statements routed to one shard group', describeRouting);
else if (mode === 'fail')
  it('Citus routing tests run in CI', () => {
    throw new Error(CITUS_MISSING);
  });
else describe.skip('Citus routing [skipped: set ONHAND_TEST_CITUS_URL=postgres://… to run]', describeRouting);
