import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnHandInput } from '../../src/domain/onhand-command.js';
import type { IndexQueryInput } from '../../src/domain/query/parse-query.js';
import { Engine } from '../../src/engine/engine.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

/**
 * The default (strict) read on SQLite (docs/storefront.md): the head that a strict read waits for is
 * read from the file once per turn of the event loop, shared by every query made in that turn. A
 * second connection on the same file (what an `onhand import` or `onhand clients` command opens while
 * the server runs) commits behind the server's back: an answer must still reflect every write it
 * acknowledged before the query.
 */
const ENV = 'test';

const inbound = (engine: Engine, productId: string, id: string, qty: number) =>
  engine.changeOnHand(ENV, [
    {
      input: tshirtEvent(id, {
        productId,
        dimensions: { siteId: '1', locationId: '11' },
        quantities: { pos: { inbound: qty } },
      }) as unknown as OnHandInput,
      path: '',
    },
  ]);

const totalOf = async (engine: Engine, productId: string) => {
  const query = {
    filters: { organizationId: ['usmf'], productId: [productId] },
    groupByValues: [],
    returnNegative: true,
  } as unknown as IndexQueryInput;
  const rows = await engine.indexQuery(ENV, query, {});
  return Number(rows[0]?.quantities.pos?.inbound ?? 0n) / 1e6;
};

describe('reads from memory on SQLite, with a second connection writing the same file', () => {
  let h: Harness;
  let storeB: SqliteStore;
  let engineA: Engine;
  let engineB: Engine;

  beforeAll(async () => {
    h = await startHarness({ backend: 'sqlite' });
    storeB = SqliteStore.open({ file: join(h.settings.dataDir, 'onhand.db') });
    await storeB.migrate();
    engineA = h.services.engine;
    engineB = new Engine({ store: storeB, clock: () => new Date(), limits: h.settings.limits });
    await inbound(engineA, 'Hot', 'seed', 1);
    // The view of A follows the feed live once its first read has started it.
    for (let i = 0; i < 100 && engineA.views.served.memory === 0; i++) {
      await totalOf(engineA, 'Hot');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  afterAll(async () => {
    await engineB?.drain();
    await storeB?.close();
    await h?.close();
  });

  it('every answer of A from memory reflects each write B acknowledged before it', async () => {
    let expected = await totalOf(engineA, 'Hot');
    const before = engineA.views.served.memory;
    for (let i = 0; i < 30; i++) {
      const [outcome] = await inbound(engineB, 'Hot', `b-${i}`, 1);
      expect(outcome?.status).toBe('success');
      expected += 1;
      expect(await totalOf(engineA, 'Hot'), `write ${i}`).toBe(expected);
    }
    expect(engineA.views.served.memory - before).toBe(30);
  });

  it('in parallel, reads sharing head reads each see the write acknowledged just before', async () => {
    const workers = 16;
    const rounds = 10;
    const feedA = (h.services.store as SqliteStore).feed;
    const checksBefore = feedA.settleChecks;
    const readsBefore = engineA.views.served.memory;
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const product = `Par-${w}`;
        expect(await totalOf(engineA, product)).toBe(0);
        for (let i = 1; i <= rounds; i++) {
          // Alternate the writer: the server's own connection, then the other one.
          const [outcome] = await inbound(i % 2 === 0 ? engineA : engineB, product, `par-${w}-${i}`, 1);
          expect(outcome?.status).toBe('success');
          expect(await totalOf(engineA, product), `worker ${w}, write ${i}`).toBe(i);
        }
      }),
    );
    const reads = workers * (rounds + 1);
    expect(engineA.views.served.memory - readsBefore).toBeGreaterThanOrEqual(reads - workers);
    expect(feedA.settleChecks - checksBefore).toBeLessThan(reads);
  });

  it('calls made together share one head read, which sees a commit made just before them', async () => {
    const feedA = (h.services.store as SqliteStore).feed;
    await inbound(engineB, 'Hot', 'together', 1);
    const headB = await storeB.feed.head();
    const before = feedA.settleChecks;
    const heads = await Promise.all(Array.from({ length: 64 }, () => feedA.settleAll()));
    for (const head of heads) expect(head).toBe(headB);
    expect(feedA.settleChecks - before).toBe(1);
  });
});
