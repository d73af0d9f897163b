import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SpanSums } from '../../src/domain/feed/span-sums.js';
import type { Engine } from '../../src/engine/engine.js';
import type { SpanDelta } from '../../src/store/feed-store.js';
import type { LedgerEntry } from '../../src/store/records.js';
import { CommittedSpans } from '../../src/store/sqlite/committed-spans.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { sqliteFileStores } from '../support/sqlite-file-stores.js';

/*
 * The SQLite feed sums the checkpoint spans of the entries it commits in memory (committed-spans.ts),
 * so the checkpointer need not read them back. A span is answered from memory only when this store
 * committed every entry of it; another process (here a second store on the same file) writing in
 * between sends the checkpointer back to the file. What memory answers must be what the entries read
 * back sum to, value for value and in the same order.
 */
const SIZE = 5;

describe('the SQLite feed summing the spans it commits', () => {
  const { open, file, engine: engineOf } = sqliteFileStores('spans');

  const write = (engine: Engine, environmentId: string, prefix: string, count: number, step = 1) =>
    engine.changeOnHand(
      environmentId,
      Array.from({ length: count }, (_, i) => ({
        input: {
          id: `${prefix}-${i}`,
          organizationId: 'usmf',
          productId: `P${i % 3}`,
          dimensions: { siteId: '1', locationId: String(11 + (i % 2)), colorId: 'red' },
          // Some values come back to zero within a span, some are created there.
          quantities: { pos: { inbound: i % 4 === 3 ? -step : step, outbound: i % 5 } },
        },
        path: `/${i}`,
      })),
    );

  /** What the checkpointer sums from the entries read back (a store that keeps nothing). */
  const readBack = async (store: SqliteStore, environmentId: string, span: number): Promise<SpanDelta[]> => {
    const sums = new SpanSums();
    for (const record of await store.feed.read(environmentId, span * SIZE, 1000))
      if (record.position <= (span + 1) * SIZE) sums.add(record.partitionId, record.changes);
    return sums.deltas();
  };

  it('answers the spans it committed whole, as the entries read back sum them, and no other', async () => {
    const a = await open();
    a.feed.keepSpanSums(SIZE);
    const engineA = engineOf(a);
    await engineA.environments.create('e');
    await engineA.environments.create('f');
    const b = await open();
    const engineB = engineOf(b);

    await write(engineA, 'e', 'a1', 12);
    await write(engineA, 'f', 'a2', 4, 2);
    await write(engineA, 'e', 'a3', 7, 3);
    await write(engineB, 'e', 'b1', 3); // behind A's back: the span it falls in is not A's whole
    await write(engineA, 'e', 'a4', 16);
    await write(engineA, 'f', 'a5', 9);

    const fresh = await open();
    const head = await fresh.feed.head();
    let answered = 0;
    let refused = 0;
    for (let span = 0; (span + 1) * SIZE <= head; span++) {
      for (const environmentId of ['e', 'f']) {
        const kept = a.feed.committedSpan(environmentId, span, SIZE);
        if (kept === undefined) {
          refused++;
          continue;
        }
        answered++;
        expect(kept, `${environmentId}, span ${span}`).toEqual(await readBack(fresh, environmentId, span));
        // Taken once: a second ask (a failed span write retried) reads back.
        expect(a.feed.committedSpan(environmentId, span, SIZE)).toBeUndefined();
      }
    }
    expect(answered).toBeGreaterThan(4);
    expect(refused).toBeGreaterThan(0);
    // The span B wrote into, and the spans after it that began before A's next commit, are read back.
    const bSeqs = (await fresh.feed.read('e', 0, 1000)).filter((r) => r.eventId?.startsWith('b1'));
    const bSpan = Math.floor(((bSeqs[0]?.position ?? 0) - 1) / SIZE);
    expect(a.feed.committedSpan('e', bSpan, SIZE)).toBeUndefined();
    // A span not yet complete is not answered.
    expect(a.feed.committedSpan('e', Math.floor(head / SIZE), SIZE)).toBeUndefined();
    await engineA.drain();
    await engineB.drain();
  });

  it('keeps nothing until asked, and nothing of an environment whose entries were deleted', async () => {
    const a = await open();
    const engineA = engineOf(a);
    await engineA.environments.create('e');
    await write(engineA, 'e', 'x', 10);
    expect(a.feed.committedSpan('e', 0, SIZE)).toBeUndefined();
    a.feed.keepSpanSums(SIZE);
    await write(engineA, 'e', 'y', 15);
    const entries = await a.feed.read('e', 0, 1000);
    const firstY = entries.find((r) => r.eventId === 'y-0')?.position ?? 0;
    // The first span that began after sums were switched on; it and the next one are complete.
    const whole = Math.ceil((firstY - 1) / SIZE);
    expect((whole + 2) * SIZE).toBeLessThanOrEqual(await a.feed.head());
    expect(a.feed.committedSpan('e', whole - 1, SIZE)).toBeUndefined();
    expect(a.feed.committedSpan('e', whole, SIZE)).toEqual(await readBack(a, 'e', whole));
    a.feed.forget('e');
    expect(a.feed.committedSpan('e', whole + 1, SIZE)).toBeUndefined();
    await engineA.drain();
  });

  it('drops what it kept of an environment whose data deleteOrphanedData deleted: the span is read back', async () => {
    const a = await open();
    a.feed.keepSpanSums(SIZE);
    const engineA = engineOf(a);
    await engineA.environments.create('e');
    await engineA.environments.create('g');
    await write(engineA, 'g', 'g', 3 * SIZE);
    await write(engineA, 'e', 'e', 3 * SIZE);
    await engineA.drain();
    const spansOf = async (environmentId: string) => [
      ...new Set((await a.feed.read(environmentId, 0, 1000)).map((r) => Math.floor((r.position - 1) / SIZE))),
    ];
    const gSpan = (await spansOf('g'))[1] as number;
    const eSpan = (await spansOf('e'))[1] as number;
    // The environment record goes (behind the store's back), its data stays: orphaned.
    const raw = new Database(file());
    raw.prepare("DELETE FROM environments WHERE environment_id = 'g'").run();
    raw.close();
    expect(await a.deleteOrphanedData('g')).toBe(true);
    expect(a.feed.committedSpan('g', gSpan, SIZE)).toBeUndefined();
    expect(await readBack(await open(), 'g', gSpan)).toEqual([]);
    // Nor does the feed answer its deleted entries from the rows of its last commits.
    expect(await a.feed.read('g', 0, 1000)).toEqual([]);
    expect((await a.feed.read('e', 0, 1000)).length).toBe(3 * SIZE);
    // Another environment's spans are still answered.
    expect(a.feed.committedSpan('e', eSpan, SIZE)).toEqual(await readBack(a, 'e', eSpan));
  });

  it('answers only the size it keeps, for one owner: a second keep replaces the first', async () => {
    const a = await open();
    const completed: string[][] = [];
    a.feed.keepSpanSums(SIZE, (ids) => completed.push([...ids]));
    const engineA = engineOf(a);
    await engineA.environments.create('e');
    await write(engineA, 'e', 'x', 3 * SIZE);
    await engineA.drain();
    const span = Math.floor((await a.feed.head()) / SIZE) - 1;
    expect(completed.length).toBeGreaterThan(0);
    expect(new Set(completed.flat())).toEqual(new Set(['e']));
    expect(a.feed.committedSpan('e', span, SIZE + 1)).toBeUndefined();
    expect(a.feed.committedSpan('e', span, SIZE)).toEqual(await readBack(a, 'e', span));
    // A second owner with another size: the first's spans are gone, its callback no longer called.
    const calls = completed.length;
    a.feed.keepSpanSums(SIZE * 2);
    expect(a.feed.committedSpan('e', span - 1, SIZE)).toBeUndefined();
    await write(engineA, 'e', 'y', 3 * SIZE);
    await engineA.drain();
    expect(completed.length).toBe(calls);
  });

  it('holds at most its budget of values across spans, dropping the oldest, which are then read back', () => {
    const spans = new CommittedSpans(8, 10);
    const completed: string[][] = [];
    spans.keep(SIZE, (ids) => completed.push([...ids]));
    const entry = (environmentId: string, productId: string): LedgerEntry => ({
      environmentId,
      partitionId: 'p',
      family: 'onhand',
      eventId: null,
      bodyHash: '',
      kind: 'change',
      recordedAt: '2026-12-04T00:00:00.000Z',
      request: null,
      outcome: null,
      reference: null,
      changes: [
        {
          organizationId: 'usmf',
          productId,
          dimensions: {},
          dataSource: 'pos',
          measure: 'inbound',
          delta: 1n,
        },
      ],
    });
    // Spans 0 to 3 (seqs 1 to 20), a new value per entry: 5 values a span, 10 at most held.
    for (let seq = 1; seq <= 4 * SIZE; seq++) {
      spans.add([seq], [entry(seq <= SIZE ? 'f' : 'e', `P${seq}`)]);
      expect(spans.values).toBeLessThanOrEqual(10);
    }
    expect(completed).toEqual([['f'], ['e'], ['e'], ['e']]);
    expect(spans.take('f', 0, SIZE)).toBeUndefined();
    expect(spans.take('e', 1, SIZE)).toBeUndefined();
    expect(spans.take('e', 2, SIZE)?.map((d) => d.productId)).toEqual(['P11', 'P12', 'P13', 'P14', 'P15']);
    expect(spans.take('e', 3, SIZE)?.length).toBe(SIZE);
    expect(spans.values).toBe(0);
    // A span that alone outgrows the budget is dropped whole, never answered in part.
    const wide = new CommittedSpans(8, 3);
    wide.keep(SIZE);
    for (let seq = 1; seq <= 2 * SIZE; seq++) wide.add([seq], [entry('e', `P${seq}`)]);
    expect(wide.take('e', 0, SIZE)).toBeUndefined();
    expect(wide.take('e', 1, SIZE)).toBeUndefined();
    expect(wide.values).toBeLessThanOrEqual(3);
  });
});
