import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFromFile } from '../../../src/cli/import-command.js';
import type { Engine } from '../../../src/engine/engine.js';
import type { FeedRecord } from '../../../src/store/feed-store.js';
import { encodeChangesV1 } from '../../../src/store/ledger-format/entry-format.js';
import type { Store } from '../../../src/store/store.js';
import { testBackends } from '../../support/backends.js';
import { expectReplayEqualsState, seen } from './ledger-checks.js';
import {
  CHANGES,
  ENV,
  emptyOldDatabase,
  engineOn,
  exportedLedger,
  FIXTURES,
  freshDatabase,
  legacyDatabase,
  legacyLedger,
  legacyStore,
  RESERVE_R1,
  stockAnswer,
} from './legacy-ledger.js';

/** Every property the format must keep, checked on the ledger of the fixture plus `added` entries. */
async function expectLedgerIntact(
  backend: string,
  store: Store,
  engine: Engine,
  added = 0,
): Promise<FeedRecord[]> {
  const exported = legacyLedger(backend);
  const feed = await engine.ledger(ENV, 0, 1000);
  // The change feed carries every entry with its deltas, at consecutive positions.
  expect(feed.map((e) => e.position)).toEqual(feed.map((_, i) => i + 1));
  expect(feed).toHaveLength(exported.length + added);
  // Every accepted request reads back as it was recorded.
  expect(feed.slice(0, exported.length).map(seen)).toEqual(exported.map(seen));
  expect((await store.readLedger(ENV, 0, 1000)).map(seen)).toEqual(feed.map(seen));
  const [r1] = exported.filter((e) => e.eventId === 'r1');
  expect((await store.readLedgerByReference(ENV, r1?.reference ?? '', 10)).map(seen)).toEqual(
    feed.filter((e) => e.reference === r1?.reference).map(seen),
  );
  await expectReplayEqualsState(store, feed);
  return feed;
}

/** A retried event id returns its first outcome; the same id with another body is a conflict. */
async function expectRetriesAnswered(backend: string, engine: Engine): Promise<void> {
  const exported = legacyLedger(backend);
  const retried = await engine.changeOnHand(ENV, CHANGES.slice(0, 3) as never);
  expect(retried.map((o) => [o.replayed, o.status, o.id])).toEqual([
    [true, 'success', 'e0'],
    [true, 'success', 'e1'],
    [true, 'success', 'e2'],
  ]);
  const [reserved] = await engine.reservations.reserve(ENV, [RESERVE_R1] as never);
  const first = exported.find((e) => e.eventId === 'r1')?.outcome as Record<string, unknown>;
  expect(reserved?.replayed).toBe(true);
  expect(reserved?.id).toBe('r1');
  expect((reserved?.extra as Record<string, unknown>)?.reservationId).toBe(
    (first.extra as Record<string, unknown>).reservationId,
  );
  const [changed] = await engine.changeOnHand(ENV, [
    { path: '', input: { ...CHANGES[0]?.input, quantities: { pos: { inbound: 99 } } } },
  ] as never);
  expect(changed?.status).toBe('conflict');
}

describe.each(testBackends())('a new database on %s', (backend) => {
  it('writes format 2 from the start; there is nothing to convert', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const db = await freshDatabase(backend, cleanups);
      const store = await db.open();
      const engine = await engineOn(store);
      cleanups.unshift(() => engine.drain());
      expect(await store.ledgerFormat.state()).toEqual({
        writeFormat: 2,
        switchedAt: null,
        convertedThrough: 0,
        converted: 0,
      });
      await engine.environments.create(ENV);
      const outcomes = await engine.changeOnHand(ENV, CHANGES as never);
      expect(outcomes.every((o) => o.status === 'success')).toBe(true);
      const [reserved] = await engine.reservations.reserve(ENV, [RESERVE_R1] as never);
      expect(reserved?.status).toBe('success');
      const formats = (await db.sql('SELECT format FROM ledger ORDER BY seq')).map((r) => Number(r.format));
      // Plain successes (format 3) for the changes; the reservation's outcome carries its id (format 2).
      expect(formats).toEqual([...CHANGES.map(() => 3), 2]);
      const feed = await engine.ledger(ENV, 0, 100);
      const answered = [...outcomes, reserved].map((o) => {
        const { commitMark: _, ...stored } = o ?? { commitMark: 0 };
        return JSON.parse(JSON.stringify(stored));
      });
      expect(feed.map((e) => e.outcome)).toEqual(answered);
      await expectReplayEqualsState(store, feed);
      const retried = await engine.changeOnHand(ENV, CHANGES.slice(0, 1) as never);
      expect([retried[0]?.replayed, retried[0]?.id]).toEqual([true, 'e0']);
      await store.ledgerFormat.writeNewest('2026-12-03T13:00:00.000Z');
      expect((await store.ledgerFormat.state()).switchedAt).toBeNull();
      expect(await store.ledgerFormat.convert(100)).toMatchObject({ converted: 0, finished: true });
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
  it('but one an earlier release made, even empty, writes format 1 until the switch', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      // The schema of the release before format 2, no environment nor entry: servers of that release
      // may share it during the rolling upgrade, and create the first environment.
      const db = await emptyOldDatabase(backend, cleanups);
      const store = await db.open();
      const engine = await engineOn(store);
      cleanups.unshift(() => engine.drain());
      expect((await store.ledgerFormat.state()).writeFormat).toBe(1);
      await engine.environments.create(ENV);
      await engine.changeOnHand(ENV, CHANGES.slice(0, 2) as never);
      expect((await db.sql('SELECT format FROM ledger')).map((r) => r.format)).toEqual([null, null]);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
});

describe.each(testBackends())('an old ledger (format 1) on %s', (backend) => {
  it('reads back, replays, feeds, answers retries and as-of queries after the upgrade', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const store = await legacyStore(backend, cleanups);
      const engine = await engineOn(store);
      cleanups.unshift(() => engine.drain());
      await expectLedgerIntact(backend, store, engine);
      const asOf12 = await stockAnswer(engine, '12');
      const now = await stockAnswer(engine);
      expect(asOf12).not.toEqual(now);
      await expectRetriesAnswered(backend, engine);
      await expectLedgerIntact(backend, store, engine);
      // New writes go on after the old entries, in the feed and in the replay.
      const [fresh] = await engine.changeOnHand(ENV, [
        { path: '', input: { ...CHANGES[0]?.input, id: 'after-upgrade' } },
      ] as never);
      expect(fresh?.status).toBe('success');
      const feed = await expectLedgerIntact(backend, store, engine, 1);
      expect(feed.at(-1)?.eventId).toBe('after-upgrade');
      expect(await stockAnswer(engine, '12')).toEqual(asOf12);
      expect(await stockAnswer(engine, '15')).toEqual(now);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('keeps writing format 1 until the switch, then converts the old entries in resumable steps', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const p = (i: number) => (backend === 'sqlite' ? '?' : `$${i}`);
    try {
      const db = await legacyDatabase(backend, cleanups);
      const store = await db.open();
      const engine = await engineOn(store);
      cleanups.unshift(() => engine.drain());
      const formats = async () =>
        (await db.sql('SELECT format FROM ledger ORDER BY seq')).map((r) =>
          r.format === null ? null : Number(r.format),
        );
      const asOf12 = await stockAnswer(engine, '12');
      // Upgraded, not switched: servers of the previous release may still share the database, so new
      // entries are written in format 1, which they read, and the conversion is refused.
      expect((await store.ledgerFormat.state()).writeFormat).toBe(1);
      await engine.changeOnHand(ENV, [
        { path: '', input: { ...CHANGES[1]?.input, id: 'during-roll' } },
      ] as never);
      expect(new Set(await formats())).toEqual(new Set([null]));
      await expect(store.ledgerFormat.convert(10)).rejects.toThrow(/switch it first/);

      await store.ledgerFormat.writeNewest('2026-12-03T12:40:00.000Z');
      // A PostgreSQL server reads the switch again within a few seconds; a fresh store reads it at once.
      const after = await db.open();
      const afterEngine = await engineOn(after);
      cleanups.unshift(() => afterEngine.drain());
      await afterEngine.changeOnHand(ENV, [
        { path: '', input: { ...CHANGES[2]?.input, id: 'switched' } },
      ] as never);
      expect((await formats()).at(-1)).toBe(3);

      // Steps of 5, the conversion interrupted after the first (a new store resumes from the mark).
      const first = await after.ledgerFormat.convert(5);
      expect(first).toMatchObject({ converted: 5, finished: false });
      const resumed = await db.open();
      let step = await resumed.ledgerFormat.convert(5);
      expect(step.converted).toBe(5);
      // A format-1 entry committed late behind the mark (a server that had not seen the switch yet).
      const [second] = await db.sql(`SELECT seq FROM ledger ORDER BY seq LIMIT 1 OFFSET 1`);
      const v1 = legacyLedger(backend)[1];
      await db.sql(
        `UPDATE ledger SET outcome = ${p(1)}, changes = ${p(2)}, format = NULL WHERE seq = ${p(3)}`,
        [JSON.stringify(v1?.outcome), encodeChangesV1(v1?.changes ?? []), second?.seq],
      );
      let steps = 0;
      while (!step.finished && steps++ < 20) step = await resumed.ledgerFormat.convert(5);
      expect(step.finished).toBe(true);
      expect((await formats()).filter((f) => f === null)).toEqual([]);
      const state = await resumed.ledgerFormat.state();
      expect(state.writeFormat).toBe(2);
      expect(state.converted).toBe(exportedLedger().length + 1 + 1);

      // Everything reads as before the conversion: the entries, retries, the replay, as-of answers.
      await expectLedgerIntact(backend, after, afterEngine, 2);
      await expectRetriesAnswered(backend, afterEngine);
      expect(await stockAnswer(afterEngine, '12')).toEqual(asOf12);
      const [again] = await afterEngine.changeOnHand(ENV, [
        { path: '', input: { ...CHANGES[1]?.input, id: 'during-roll' } },
      ] as never);
      expect(again?.replayed).toBe(true);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('imports an export file written by the old format', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const store = await legacyStore(backend, cleanups);
      const engine = await engineOn(store);
      cleanups.unshift(() => engine.drain());
      const summary = await importFromFile(store, join(FIXTURES, 'export-v1.ndjson'), 'moved');
      expect(summary.counts.ledger).toBe(exportedLedger().length);
      await store.feed.settleAll(5000);
      const moved = await store.feed.read('moved', 0, 1000);
      expect(moved.map(seen)).toEqual(exportedLedger().map(seen));
      const [retry] = await engine.changeOnHand('moved', CHANGES.slice(4, 5) as never);
      expect([retry?.replayed, retry?.status]).toEqual([true, 'success']);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
});
