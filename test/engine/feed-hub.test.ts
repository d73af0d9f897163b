import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../../src/domain/feed/feed-filter.js';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { Engine } from '../../src/engine/engine.js';
import type { FeedEntry } from '../../src/engine/feed/feed-entry.js';
import type { FeedSink } from '../../src/engine/feed/feed-hub.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTestDatabase, testBackends } from '../support/backends.js';

/** The hub that serves every follower of a process, on a real SQLite store. */
describe('the feed hub', () => {
  let dir: string;
  let store: SqliteStore;
  let engine: Engine;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onhand-hub-'));
    store = SqliteStore.open({ file: join(dir, 'hub.db') });
    await store.migrate();
    await store.feed.start();
    engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
    await engine.environments.create('e');
  });
  afterEach(async () => {
    await engine.drain();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (id: string, inbound = 1) =>
    engine.changeOnHand('e', [
      {
        input: {
          id,
          organizationId: 'usmf',
          productId: 'P',
          dimensions: { siteId: '1', locationId: '11' },
          quantities: { pos: { inbound } },
        },
        path: '',
      },
    ]);
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(check()).toBe(true);
  };
  const collector = (accept = () => true) => {
    const seen: FeedEntry[] = [];
    const closed: string[] = [];
    const sink: FeedSink = {
      push: (entries) => {
        seen.push(...entries);
        return accept();
      },
      close: (reason) => closed.push(reason),
    };
    return { seen, closed, sink };
  };

  it('a follower far behind gets, for every entry, the availability right after it', async () => {
    // 1,400 entries over 7 products in 14 commits of 100, then a follower from the start: it reads
    // several pages at once and loads their scopes with one snapshot (the read-ahead of the hub).
    for (let c = 0; c < 14; c++)
      await engine.changeOnHand(
        'e',
        Array.from({ length: 100 }, (_, i) => ({
          input: {
            id: `bulk-${c}-${i}`,
            organizationId: 'usmf',
            productId: `R${(c * 100 + i) % 7}`,
            dimensions: { siteId: '1', locationId: '11' },
            quantities: { pos: { inbound: 1 + (i % 3) } },
          },
          path: `/${i}`,
        })),
      );
    const { seen, sink } = collector();
    const stop = engine.feed.hub.subscribe('e', 0, NO_FILTER, sink);
    await until(() => seen.length === 1400);
    stop();
    const totals = new Map<string, bigint>();
    for (const [n, entry] of seen.entries()) {
      const c = Math.floor(n / 100);
      const i = n % 100;
      const product = `R${(c * 100 + i) % 7}`;
      const total = (totals.get(product) ?? 0n) + BigInt(1 + (i % 3)) * 1_000_000n;
      totals.set(product, total);
      const atp = entry.availability[0]?.quantities.iv?.availabletoreserve;
      expect(atp, `entry ${n} (${product})`).toBe(total);
    }
  });

  it('a follower that cannot keep up is closed as too slow and no longer served', async () => {
    const slow = collector(() => false);
    await engine.feed.subscribe('e', undefined, NO_FILTER, slow.sink);
    await write('a');
    await until(() => slow.closed.length > 0);
    expect(slow.closed).toEqual(['too_slow']);
    expect(engine.feed.hub.liveFollowers('e')).toBe(0);
    await write('b');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slow.seen.map((e) => e.eventId)).toEqual(['a']);
  });

  it('stops: a read in flight ends before stop() resolves, and no read starts after it', async () => {
    for (let i = 0; i < 30; i++) await write(`s-${i}`);
    const read = store.feed.read.bind(store.feed);
    let [running, reads] = [0, 0];
    store.feed.read = async (...args) => {
      [running, reads] = [running + 1, reads + 1];
      await new Promise((resolve) => setTimeout(resolve, 50));
      return read(...args).finally(() => running--);
    };
    await engine.feed.subscribe('e', 0, NO_FILTER, collector().sink);
    await until(() => running > 0);
    await engine.feed.hub.stop();
    expect(running).toBe(0);
    const before = reads;
    await write('after-stop');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reads).toBe(before);
    expect(() => engine.feed.hub.subscribe('e', 0, NO_FILTER, collector().sink)).toThrow(/stopped/);
  });

  it('stops: a sync() waiting on a read that fails after stop() is let go', async () => {
    await engine.feed.subscribe('e', undefined, NO_FILTER, collector().sink);
    await until(() => engine.feed.hub.liveFollowers('e') === 1);
    store.feed.read = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('the connection was lost');
    };
    const synced = engine.feed.hub.sync('e').then(() => 'synced');
    await engine.feed.hub.stop();
    const hung = new Promise((resolve) => setTimeout(() => resolve('hung'), 1000));
    expect(await Promise.race([synced, hung])).toBe('synced');
  });

  it('a follower catching up from the start and one at the head see the same entries once, in order', async () => {
    for (let i = 0; i < 30; i++) await write(`early-${i}`);
    const live = collector();
    await engine.feed.subscribe('e', undefined, NO_FILTER, live.sink);
    const late = collector();
    const writes = Promise.all(Array.from({ length: 30 }, (_, i) => write(`late-${i}`)));
    await engine.feed.subscribe('e', 0, NO_FILTER, late.sink);
    await writes;
    await until(() => late.seen.length === 60 && live.seen.length === 30);
    expect(late.seen.slice(30)).toEqual(live.seen);
    const positions = late.seen.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(60);
    expect(engine.feed.hub.liveFollowers('e')).toBe(2);
    // Availability moves with the entries: the 60th unit is the last one's.
    expect(late.seen.at(-1)?.availability[0]?.quantities.iv?.availabletoreserve).toBe(60_000_000n);
  });

  it('the stream annotates only the entries a follower that takes availability may receive; later followers still get exact availability', async () => {
    const writeOf = (product: string, id: string) =>
      engine.changeOnHand('e', [
        {
          input: {
            id,
            organizationId: 'usmf',
            productId: product,
            dimensions: { siteId: '1', locationId: '11' },
            quantities: { pos: { inbound: 1 } },
          },
          path: '',
        },
      ]);
    const onlyP = { ...NO_FILTER, productIds: ['P'] };
    const onlyQ = { ...NO_FILTER, productIds: ['Q'] };
    const ofP = collector();
    const changes = collector();
    const head = await engine.feed.head();
    const stops = [
      engine.feed.hub.subscribe('e', head, onlyP, ofP.sink),
      engine.feed.hub.subscribe('e', head, NO_FILTER, changes.sink, { availability: false }),
    ];
    for (let i = 0; i < 10; i++) {
      await writeOf('P', `p-${i}`);
      await writeOf('Q', `q-${i}`);
    }
    await until(() => ofP.seen.length === 10 && changes.seen.length === 20);
    const atp = (e: FeedEntry | undefined) => e?.availability[0]?.quantities.iv?.availabletoreserve;
    expect(ofP.seen.map(atp)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 1) * 1_000_000n));
    // No follower that takes availability receives Q's entries: they were not annotated.
    expect(changes.seen.filter((e) => e.changes[0]?.productId === 'Q').map((e) => e.availability)).toEqual(
      Array.from({ length: 10 }, () => []),
    );
    // A follower of Q joins the live stream: Q's state was never held, and is loaded exactly.
    const ofQ = collector();
    stops.push(engine.feed.hub.subscribe('e', await engine.feed.head(), onlyQ, ofQ.sink));
    await until(() => engine.feed.hub.liveFollowers('e') === 3);
    for (let i = 10; i < 15; i++) await writeOf('Q', `q-${i}`);
    await until(() => ofQ.seen.length === 5);
    expect(ofQ.seen.map(atp)).toEqual(Array.from({ length: 5 }, (_, i) => BigInt(i + 11) * 1_000_000n));
    // And one of every product, from the start while writes go on, gets every entry with its availability.
    const all = collector();
    stops.push(engine.feed.hub.subscribe('e', 0, NO_FILTER, all.sink));
    await Promise.all([writeOf('P', 'p-10'), writeOf('Q', 'q-15')]);
    await until(() => all.seen.length === 27);
    const totals = new Map<string, bigint>();
    for (const entry of all.seen) {
      const product = entry.changes[0]?.productId ?? '';
      totals.set(product, (totals.get(product) ?? 0n) + 1_000_000n);
      expect(atp(entry), entry.eventId ?? '').toBe(totals.get(product));
    }
    for (const stop of stops) stop();
  });
});

/** A follower joining while the live stream reads (a real wait on PostgreSQL), on every backend. */
describe.each(testBackends().filter((b) => b !== 'citus'))('the feed hub on %s', (backend) => {
  let done: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of done.reverse()) await step();
    done = [];
  });
  const open = async () => {
    let store: SqliteStore | PostgresStore;
    if (backend === 'postgres') {
      const db = await createTestDatabase();
      done.push(db.drop);
      store = await PostgresStore.connect({ connectionString: db.url, poolSize: 4 });
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'onhand-hub-'));
      done.push(async () => rmSync(dir, { recursive: true, force: true }));
      store = SqliteStore.open({ file: join(dir, 'hub.db') });
    }
    done.push(() => store.close());
    await store.migrate();
    await store.feed.start();
    const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
    done.push(() => engine.drain());
    await engine.environments.create('e');
    return { engine, store };
  };
  const collector = () => {
    const seen: FeedEntry[] = [];
    const sink: FeedSink = {
      push: (entries) => {
        seen.push(...entries);
        return true;
      },
      close: () => {},
    };
    return { seen, sink };
  };

  it('followers of every product that join while the stream of a one-product follower reads get availability on every entry', async () => {
    const { engine, store } = await open();
    const writeOf = (product: string, id: string) =>
      engine.changeOnHand('e', [
        {
          input: {
            id,
            organizationId: 'usmf',
            productId: product,
            dimensions: { siteId: '1', locationId: '11' },
            quantities: { pos: { inbound: 1 } },
          },
          path: '',
        },
      ]);
    const ofP = collector();
    const stops = [engine.feed.hub.subscribe('e', 0, { ...NO_FILTER, productIds: ['P'] }, ofP.sink)];
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing; i++) await writeOf(i % 2 === 0 ? 'P' : 'Q', `w-${i}`);
    })();
    // Joiners while entries keep coming: each one joins the live stream while it may be reading.
    const joiners: Array<ReturnType<typeof collector>> = [];
    for (let j = 0; j < 12; j++) {
      await new Promise((resolve) => setTimeout(resolve, 3 + (j % 4) * 4));
      const joiner = collector();
      joiners.push(joiner);
      // From the start (it catches up, then joins) or from the head.
      const after = j % 2 === 0 ? 0 : await engine.feed.head();
      stops.push(engine.feed.hub.subscribe('e', after, NO_FILTER, joiner.sink));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    writing = false;
    await writes;
    await store.feed.settleAll(10_000);
    await engine.feed.hub.sync('e');
    for (const [j, joiner] of joiners.entries()) {
      expect(joiner.seen.length, `joiner ${j}`).toBeGreaterThan(0);
      for (const entry of joiner.seen)
        expect(entry.availability.length, `${entry.eventId} to joiner ${j}`).toBeGreaterThan(0);
    }
    for (const stop of stops) stop();
  });
});
