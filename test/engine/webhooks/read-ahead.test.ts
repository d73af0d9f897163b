import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedFilter, NO_FILTER } from '../../../src/domain/feed/feed-filter.js';
import type { Engine } from '../../../src/engine/engine.js';
import { FeedReadAhead } from '../../../src/engine/webhooks/read-ahead.js';
import { ReadAheadBudget } from '../../../src/engine/webhooks/read-ahead-budget.js';
import { SharedReadAhead } from '../../../src/engine/webhooks/shared-read-ahead.js';
import { testBackends } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';

/*
 * A subscription's worker reads the feed ahead (webhooks/read-ahead.ts): many records at once, annotated
 * together, the rest kept for its next deliveries. Whatever it keeps, each of its reads must answer
 * exactly what Feed.read answers from the same position (the same entries, with the same availability,
 * and the same next position): checked here on 1,300 entries over 7 products, read ahead 300 records
 * at a time (so reads cross the kept entries' end), with and without a filter, moving back within what
 * is kept (a delivery cut short by its size) and jumping elsewhere (a redelivery).
 */
describe.each(testBackends())('the read-ahead of a webhook worker on %s', (backend) => {
  let h: Harness;
  let engine: Engine;
  beforeAll(async () => {
    h = await startHarness({ backend });
    engine = h.services.engine;
    for (let c = 0; c < 13; c++)
      await engine.changeOnHand(
        'test',
        Array.from({ length: 100 }, (_, i) => ({
          input: {
            id: `ra-${c}-${i}`,
            organizationId: 'usmf',
            productId: `R${(c * 100 + i) % 7}`,
            dimensions: { siteId: '1', locationId: '11' },
            quantities: { pos: { inbound: 1 + (i % 3) } },
          },
          path: `/${i}`,
        })),
      );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers each read as Feed.read does, crossing what it keeps, with and without a filter', async () => {
    const onlyR3: FeedFilter = { ...NO_FILTER, productIds: ['R3'] };
    for (const [filter, limit] of [
      [NO_FILTER, 100],
      [onlyR3, 40],
    ] as const) {
      const reader = new FeedReadAhead(300);
      let after = 0;
      let delivered = 0;
      for (let reads = 0; reads < 100; reads++) {
        const mine = await reader.read(engine.feed, 'test', after, limit, filter);
        const theirs = await engine.feed.read('test', after, limit, filter);
        expect(mine).toEqual(theirs);
        if (mine.next === after) break;
        delivered += mine.entries.length;
        after = mine.next;
      }
      // Every entry (the environment's configuration entry too), or the 186 of product R3.
      if (filter === NO_FILTER) expect(delivered).toBeGreaterThanOrEqual(1300);
      else expect(delivered).toBe(186);
    }
  });

  it('moves back within what it keeps, and starts again from any other position', async () => {
    const reader = new FeedReadAhead(300);
    const page = await reader.read(engine.feed, 'test', 0, 100, NO_FILTER);
    // A delivery cut short after its 40th entry: the next read starts there.
    const cut = page.entries[39]?.position ?? 0;
    expect(await reader.read(engine.feed, 'test', cut, 100, NO_FILTER)).toEqual(
      await engine.feed.read('test', cut, 100, NO_FILTER),
    );
    // A redelivery from further on, then from before what is kept.
    const positions = (await engine.feed.read('test', 0, 1000, NO_FILTER)).entries.map((e) => e.position);
    for (const after of [positions[900] ?? 0, positions[5] ?? 0]) {
      expect(await reader.read(engine.feed, 'test', after, 100, NO_FILTER)).toEqual(
        await engine.feed.read('test', after, 100, NO_FILTER),
      );
    }
  });

  it('shares its reads with the other workers of the process, each still answered as Feed.read does', async () => {
    const shared = new SharedReadAhead();
    const onlyR2: FeedFilter = { ...NO_FILTER, productIds: ['R2'] };
    const a = new FeedReadAhead(300, shared);
    const b = new FeedReadAhead(300, shared);
    let afterA = 0;
    let afterB = 0;
    let same = 0;
    for (let reads = 0; reads < 40; reads++) {
      const mineA = await a.read(engine.feed, 'test', afterA, 100, NO_FILTER);
      const mineB = await b.read(engine.feed, 'test', afterB, 100, NO_FILTER);
      expect(mineA).toEqual(await engine.feed.read('test', afterA, 100, NO_FILTER));
      expect(mineB).toEqual(await engine.feed.read('test', afterB, 100, NO_FILTER));
      // The second worker took the first one's read: the very same entries.
      if (mineA.entries[0] !== undefined && mineA.entries[0] === mineB.entries[0]) same++;
      afterA = mineA.next;
      afterB = mineB.next;
    }
    expect(same).toBeGreaterThan(0);
    // A third worker with a filter, from a position of its own, on the same shared reads.
    const c = new FeedReadAhead(300, shared);
    for (let after = 0, reads = 0; reads < 100; reads++) {
      const mine = await c.read(engine.feed, 'test', after, 30, onlyR2);
      expect(mine).toEqual(await engine.feed.read('test', after, 30, onlyR2));
      if (mine.next === after) break;
      after = mine.next;
    }
  });

  it('holds what its process budget grants, a delivery of entries at least, and lets it go when closed', async () => {
    const budget = new ReadAheadBudget(450);
    const a = new FeedReadAhead(300, new SharedReadAhead(), budget);
    const b = new FeedReadAhead(300, new SharedReadAhead(), budget);
    const pageA = await a.read(engine.feed, 'test', 0, 100, NO_FILTER);
    expect(budget.held).toBe(300);
    // The second worker is granted what is left (150), and still answers as Feed.read does.
    let after = 0;
    for (let reads = 0; reads < 4; reads++) {
      const mine = await b.read(engine.feed, 'test', after, 100, NO_FILTER);
      expect(mine).toEqual(await engine.feed.read('test', after, 100, NO_FILTER));
      after = mine.next;
    }
    expect(budget.held).toBeLessThanOrEqual(450);
    expect(pageA).toEqual(await engine.feed.read('test', 0, 100, NO_FILTER));
    a.close();
    b.close();
    expect(budget.held).toBe(0);
    // A budget spent elsewhere still grants a delivery's worth.
    const spent = new ReadAheadBudget(0);
    expect(spent.take(300)).toBe(100);
  });

  it('reads again what it kept from before a configuration update, annotated under the new one', async () => {
    await engine.environments.create('cfg');
    await engine.changeOnHand(
      'cfg',
      Array.from({ length: 250 }, (_, i) => ({
        input: {
          id: `cfg-${i}`,
          organizationId: 'usmf',
          productId: `C${i % 5}`,
          dimensions: { siteId: '1', locationId: '11' },
          quantities: { pos: { inbound: 1 } },
        },
        path: `/${i}`,
      })),
    );
    const reader = new FeedReadAhead(300);
    const first = await reader.read(engine.feed, 'cfg', 0, 100, NO_FILTER);
    const stored = await h.services.store.getEnvironment('cfg');
    const runtime = stored?.configuration as Record<string, unknown>;
    await engine.environments.replace('cfg', {
      ...runtime,
      feedConfiguration: { publishedMeasures: ['pos.inbound'] },
    } as never);
    // The entries after the first page were kept under the old configuration: the next page is read
    // again, and carries the measures now published, as Feed.read's does.
    const next = await reader.read(engine.feed, 'cfg', first.next, 100, NO_FILTER);
    expect(next).toEqual(await engine.feed.read('cfg', first.next, 100, NO_FILTER));
    const text = JSON.stringify(next.entries[0]?.availability, (_k, v) =>
      typeof v === 'bigint' ? `${v}` : v,
    );
    expect(text).toContain('inbound');
  });
});
