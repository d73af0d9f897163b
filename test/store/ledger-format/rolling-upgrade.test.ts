import { describe, expect, it } from 'vitest';
import type { ItemOutcome } from '../../../src/engine/outcome.js';
import { SOURCE_COMMIT } from '../../fixtures/ledger-v1/old-server.js';
import { testBackends } from '../../support/backends.js';
import { expectReplayEqualsState, seen } from './ledger-checks.js';
import { CHANGES, ENV, engineOn, exportedLedger, legacyDatabase } from './legacy-ledger.js';
import { type OldBody, oldServer } from './old-server.js';
import { planOf } from './old-server-plan.js';

/*
 * A rolling upgrade to the release of the ledger's format 2: servers of the previous release (the
 * statements and row decoding of commit 96315ee, test/fixtures/ledger-v1/old-server.ts) and servers of
 * this one share a database this one migrated (expand applied, format not switched), writing in turn.
 */

const AT = (location: string, colorId?: string) => ({
  siteId: '1',
  locationId: location,
  ...(colorId === undefined ? {} : { colorId }),
});
const change = (id: string, productId: string, at: Record<string, string>, inbound: number): OldBody => ({
  id,
  organizationId: 'usmf',
  productId,
  dimensions: at,
  quantities: { pos: { inbound } },
});

/** What the engine answered, as the ledger records it (the commit mark is not stored). */
function recorded(outcome: ItemOutcome | undefined): unknown {
  const { commitMark: _, ...stored } = outcome ?? ({ commitMark: 0 } as unknown as ItemOutcome);
  return JSON.parse(JSON.stringify(stored));
}

describe('the old server of the fixture', () => {
  it('derives from a body the request and body hash that the previous release stored for it', () => {
    const count = {
      id: 'count-1',
      organizationId: 'usmf',
      productId: 'p0',
      dimensions: { siteId: '1', locationId: '11' },
      quantities: { pos: { inbound: 40 } },
      modifiedDateTimeUTC: '2026-12-03T11:00:00Z',
    };
    const sent = [...CHANGES.map((c) => ['onhand.change', c.input] as const), ['onhand.set', count] as const];
    const derived = sent.map(([kind, body]) => planOf(ENV, kind, body as OldBody).entry);
    const stored = exportedLedger().slice(0, sent.length);
    expect(derived.map((e) => [e.eventId, e.kind, e.family, e.bodyHash, e.request])).toEqual(
      stored.map((e) => [e.eventId, e.kind, e.family, e.bodyHash, e.request]),
    );
  });
});

describe.each(testBackends())('servers of the previous release beside this one on %s', (backend) => {
  it('write, read and answer retries in turn on the database this release migrated, before the switch', async () => {
    expect(SOURCE_COMMIT).toMatch(/^96315ee/);
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const db = await legacyDatabase(backend, cleanups);
      const store = await db.open();
      const engine = await engineOn(store); // this release's migrations: the expand step
      cleanups.unshift(() => engine.drain());
      expect((await store.ledgerFormat.state()).writeFormat).toBe(1);
      const old = oldServer(backend, ENV, db.location, cleanups);

      // In turn: the old server, this one, the old one again, this one again (rows touched by both).
      const old1 = change('old-1', 'p0', AT('11', 'red'), 5);
      expect(await old.write('onhand.change', old1)).toEqual({
        replayed: false,
        outcome: { id: 'old-1', status: 'success', message: '' },
      });
      const count = {
        ...change('old-count', 'p0', AT('11'), 7),
        modifiedDateTimeUTC: '2026-12-03T12:10:00Z',
      };
      expect((await old.write('onhand.set', count)).replayed).toBe(false);
      const new1 = change('new-1', 'p0', AT('11', 'red'), 3);
      const [answer1] = await engine.changeOnHand(ENV, [{ path: '', input: new1 }] as never);
      expect(answer1?.status).toBe('success');
      const [reserved] = await engine.reservations.reserve(ENV, [
        {
          path: '',
          input: {
            id: 'new-r',
            organizationId: 'usmf',
            productId: 'p0',
            dimensions: AT('11', 'red'),
            quantityDataSource: 'iv',
            modifier: 'softreserved',
            quantity: 1,
            ifCheckAvailForReserv: true,
          },
        },
      ] as never);
      expect(reserved?.status).toBe('success');
      const old2 = change('old-2', 'p0', AT('11', 'red'), 2);
      expect((await old.write('onhand.change', old2)).replayed).toBe(false);
      const old3 = change('old-3', 'p2', AT('12', 'blue'), 4);
      expect((await old.write('onhand.change', old3)).replayed).toBe(false);
      const [answer2] = await engine.changeOnHand(ENV, [
        { path: '', input: change('new-2', 'p2', AT('12', 'blue'), 6) },
      ] as never);
      expect(answer2?.status).toBe('success');

      // This release wrote format 1 before the switch: every row reads, to the old server, as its own.
      expect((await db.sql('SELECT DISTINCT format FROM ledger')).map((r) => r.format)).toEqual([null]);
      const mine = await store.readLedger(ENV, 0, 1000);
      const theirs = await old.readLedger();
      expect(theirs.map((e) => ({ seq: e.seq, ...seen(e as never) }))).toEqual(
        mine.map((e) => ({ seq: e.seq, ...seen(e) })),
      );
      // The old server finds this one's first outcomes, and answers their retries with them.
      expect(await old.firstOutcome('onhand', 'new-1')).toEqual(recorded(answer1));
      expect(await old.firstOutcome('reserve', 'new-r')).toEqual(recorded(reserved));
      expect(await old.write('onhand.change', new1)).toEqual({ replayed: true, outcome: recorded(answer1) });
      expect(await old.write('onhand.change', old1)).toMatchObject({ replayed: true });

      // This release answers retries of the old server's events with their first outcome...
      const retried = await engine.changeOnHand(ENV, [
        { path: '/0', input: old1 },
        { path: '/1', input: old3 },
      ] as never);
      expect(retried.map((o) => [o.replayed, o.status, o.id])).toEqual([
        [true, 'success', 'old-1'],
        [true, 'success', 'old-3'],
      ]);
      const [counted] = await engine.setOnHand(ENV, 'pos', [{ path: '', input: count }] as never);
      expect([counted?.replayed, counted?.status]).toEqual([true, 'success']);
      const [conflict] = await engine.changeOnHand(ENV, [
        { path: '', input: { ...old2, quantities: { pos: { inbound: 99 } } } },
      ] as never);
      expect(conflict?.status).toBe('conflict');

      // ...and its feed carries every entry, the old server's with their deltas, at consecutive
      // positions; the sum of the deltas is the stored state.
      await store.feed.settleAll(10_000);
      const feed = await engine.ledger(ENV, 0, 1000);
      expect(feed.map((e) => e.position)).toEqual(feed.map((_, i) => i + 1));
      expect(feed.map(seen)).toEqual(mine.map(seen));
      const byId = (id: string) => feed.find((e) => e.eventId === id);
      expect(byId('old-1')?.changes.map((c) => [c.measure, c.delta])).toEqual([['inbound', 5_000_000n]]);
      expect(byId('old-2')?.changes.map((c) => [c.measure, c.delta])).toEqual([['inbound', 2_000_000n]]);
      expect(byId('old-3')?.changes.map((c) => [c.measure, c.delta])).toEqual([['inbound', 4_000_000n]]);
      // The count (40 before it) set the value to 7.
      expect(byId('old-count')?.changes.map((c) => [c.measure, c.delta])).toEqual([
        ['inbound', -33_000_000n],
      ]);
      const order = ['old-1', 'old-count', 'new-1', 'new-r', 'old-2', 'old-3', 'new-2'];
      expect(feed.map((e) => e.eventId).slice(-order.length)).toEqual(order);
      if (backend === 'sqlite') {
        // The old release's feed read (position = seq) gives the same entries at the same positions.
        const oldFeed = await old.readFeed();
        expect(oldFeed.map((e) => ({ position: e.position, ...seen(e as never) }))).toEqual(
          feed.map((e) => ({ position: e.position, ...seen(e) })),
        );
      }
      await expectReplayEqualsState(store, feed);
      const [p0red] = (await store.readStock(ENV, { organizationIds: ['usmf'] })).filter(
        (r) =>
          r.productId === 'p0' &&
          r.partitionId === 'usmf~1~11' &&
          r.dimensions.colorid === 'red' &&
          r.measure === 'inbound',
      );
      // 10 from the fixture, then 5 (old), 3 (this release) and 2 (old).
      expect(p0red?.quantity).toBe(20_000_000n);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  // Really parallel on PostgreSQL (own connections); a SQLite file has one writer at a time anyway, and
  // the old statements run synchronously in this process, so there they only take turns (above).
  it.runIf(backend !== 'sqlite')(
    'serialise with this release on one lock key when they write at once',
    async () => {
      const cleanups: (() => Promise<void>)[] = [];
      try {
        const db = await legacyDatabase(backend, cleanups);
        const store = await db.open();
        const engine = await engineOn(store);
        cleanups.unshift(() => engine.drain());
        const old = oldServer(backend, ENV, db.location, cleanups);
        const at = AT('12', 'red');
        const writes = Array.from({ length: 24 }, (_, i) => {
          const body = change(`both-${i}`, 'p1', at, 1 + (i % 4));
          return i % 2 === 0
            ? old.write('onhand.change', body).then((a) => a.replayed)
            : engine.changeOnHand(ENV, [{ path: '', input: body }] as never).then(([o]) => o?.status);
        });
        expect(await Promise.all(writes)).toEqual(writes.map((_, i) => (i % 2 === 0 ? false : 'success')));
        await store.feed.settleAll(10_000);
        const feed = await engine.ledger(ENV, 0, 1000);
        expect(feed.map((e) => e.position)).toEqual(feed.map((_, i) => i + 1));
        expect(feed.filter((e) => e.eventId?.startsWith('both-'))).toHaveLength(24);
        // No write was lost: the row holds every delta, and the replay is the stored state.
        const [row] = (await store.readStock(ENV, { organizationIds: ['usmf'] })).filter(
          (r) =>
            r.productId === 'p1' &&
            r.partitionId === 'usmf~1~12' &&
            r.dimensions.colorid === 'red' &&
            r.measure === 'inbound',
        );
        const added = writes.reduce((sum, _, i) => sum + 1 + (i % 4), 0);
        expect(row?.quantity).toBe(BigInt(11 + added) * 1_000_000n);
        await expectReplayEqualsState(store, feed);
        expect((await old.readLedger()).map((e) => seen(e as never))).toEqual(
          (await store.readLedger(ENV, 0, 1000)).map(seen),
        );
      } finally {
        for (const cleanup of cleanups) await cleanup();
      }
    },
  );
});
