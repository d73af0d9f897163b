import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnHandInput } from '../../src/domain/onhand-command.js';
import type { IndexQueryInput } from '../../src/domain/query/parse-query.js';
import { Engine } from '../../src/engine/engine.js';
import { commitToken } from '../../src/engine/feed/feed.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

/**
 * Consistency of availability reads from memory (docs/storefront.md): by default an answer reflects
 * every write acknowledged before the query, whichever process took it; Onhand-Min-Position asks for a
 * position or a commit token only; bounded answers from memory as it is.
 */
const ENV = 'test';
const QUERY = {
  filters: { organizationId: ['usmf'], productId: ['Hot'] },
  groupByValues: [],
  returnNegative: true,
} as unknown as IndexQueryInput;

const inbound = (engine: Engine, id: string, qty: number) =>
  engine.changeOnHand(ENV, [
    {
      input: tshirtEvent(id, {
        productId: 'Hot',
        dimensions: { siteId: '1', locationId: '11' },
        quantities: { pos: { inbound: qty } },
      }) as unknown as OnHandInput,
      path: '',
    },
  ]);

const inboundOf = (engine: Engine, productId: string, id: string, qty: number) =>
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
  const query = { ...QUERY, filters: { organizationId: ['usmf'], productId: [productId] } };
  const rows = await engine.indexQuery(ENV, query as unknown as IndexQueryInput, {});
  return Number(rows[0]?.quantities.pos?.inbound ?? 0n) / 1e6;
};

const total = async (engine: Engine, options = {}) => {
  const rows = await engine.indexQuery(ENV, QUERY, options);
  return Number(rows[0]?.quantities.pos?.inbound ?? 0n) / 1e6;
};

describe.skipIf(!testBackends().includes('postgres'))(
  'reads from memory, two processes on PostgreSQL',
  () => {
    let h: Harness;
    let storeB: Store;
    let engineA: Engine;
    let engineB: Engine;

    beforeAll(async () => {
      h = await startHarness({ backend: 'postgres' });
      const url = h.settings.databaseUrl;
      if (url === undefined) throw new Error('the postgres harness has no database URL');
      storeB = await PostgresStore.connect({ connectionString: url });
      await storeB.migrate();
      await storeB.feed.start();
      engineA = h.services.engine;
      engineB = new Engine({ store: storeB, clock: () => new Date(), limits: h.settings.limits });
      await inbound(engineA, 'seed', 1);
      await total(engineA);
      // The view of A follows the feed live once its first read has started it.
      for (let i = 0; i < 100 && engineA.views.served.memory === 0; i++) {
        await total(engineA);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    afterAll(async () => {
      await engineB?.drain();
      await storeB?.close();
      await h?.close();
    });

    it('by default, every answer of A reflects every write B acknowledged before it', async () => {
      let expected = await total(engineA);
      const before = engineA.views.served.memory;
      for (let i = 0; i < 40; i++) {
        const [outcome] = await inbound(engineB, `b-${i}`, 1);
        expect(outcome?.status).toBe('success');
        expected += 1;
        expect(await total(engineA), `write ${i}`).toBe(expected);
      }
      expect(engineA.views.served.memory - before).toBe(40);
    });

    it('under parallel load, every read on A right after B acknowledged a write reflects it', async () => {
      // 16 workers, each with a product of its own: write on B, then at once query A (strict, the
      // default). The queries of the workers meet on A, so they share settle checks: each must still
      // see its own write, which B acknowledged before the query was made.
      const workers = 16;
      const rounds = 12;
      const feedA = (h.services.store as PostgresStore).feed;
      const checksBefore = feedA.settleChecks;
      const readsBefore = engineA.views.served.memory;
      await Promise.all(
        Array.from({ length: workers }, async (_, w) => {
          const product = `Par-${w}`;
          expect(await totalOf(engineA, product)).toBe(0);
          for (let i = 1; i <= rounds; i++) {
            const [outcome] = await inboundOf(engineB, product, `par-${w}-${i}`, 1);
            expect(outcome?.status).toBe('success');
            expect(await totalOf(engineA, product), `worker ${w}, write ${i}`).toBe(i);
          }
        }),
      );
      const reads = workers * (rounds + 1);
      expect(engineA.views.served.memory - readsBefore).toBeGreaterThanOrEqual(reads - workers);
      // Shared checks: fewer statements than strict reads.
      expect(feedA.settleChecks - checksBefore).toBeLessThan(reads);
    });

    it('settle checks are shared by the calls made while one is in flight', async () => {
      const feedA = (h.services.store as PostgresStore).feed;
      const before = feedA.settleChecks;
      const heads = await Promise.all(Array.from({ length: 64 }, () => feedA.settleAll(5000)));
      for (const head of heads) expect(head).toBeGreaterThan(0);
      // One check for the 64 calls, plus at most one already in flight for other work of the process.
      expect(feedA.settleChecks - before).toBeLessThanOrEqual(2);
    });

    it('Onhand-Min-Position with B’s commit token is enough for read-your-writes', async () => {
      let expected = await total(engineA);
      for (let i = 0; i < 20; i++) {
        const [outcome] = await inbound(engineB, `t-${i}`, 2);
        expected += 2;
        const mark = outcome?.commitMark;
        if (mark === undefined) throw new Error('the write answered no commit mark');
        const options = { consistency: 'bounded', minPosition: commitToken(mark) };
        expect(await total(engineA, options), `write ${i}`).toBe(expected);
      }
    });

    it('bounded answers from memory as it is, and catches up within the feed lag', async () => {
      const expected = (await total(engineA)) + 5;
      await inbound(engineB, 'bounded', 5);
      let seen = await total(engineA, { consistency: 'bounded' });
      for (let i = 0; i < 200 && seen !== expected; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        seen = await total(engineA, { consistency: 'bounded' });
      }
      expect(seen).toBe(expected);
    });
  },
);

describe.each(testBackends())('read headers on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h?.close());
  const E = `/api/environment/${ENV}`;

  it('answers carry Onhand-Position; a write’s commit token is accepted as Onhand-Min-Position', async () => {
    const write = await h.request('POST', `${E}/onhand`, tshirtEvent('h1', { productId: 'Hot' }));
    expect(write.statusCode).toBe(200);
    const token = String(write.headers['onhand-commit-token']);
    for (const headers of [{}, { 'onhand-min-position': token }, { 'onhand-consistency': 'bounded' }]) {
      const answer = await h.request('POST', `${E}/onhand/indexquery`, QUERY, { headers });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(Number(answer.headers['onhand-position'])).toBeGreaterThan(0);
    }
    const get = await h.request('GET', `${E}/onhand?organizationId=usmf&productId=Hot`, undefined, {
      headers: { 'onhand-min-position': token },
    });
    expect(get.statusCode).toBe(200);
    expect((get.json() as unknown[]).length).toBe(1);
  });

  it('refuses an unknown consistency or a malformed minimum position, changing nothing', async () => {
    for (const headers of [
      { 'onhand-consistency': 'eventual' },
      { 'onhand-min-position': 'yesterday' },
      { 'onhand-min-position': '-1' },
    ]) {
      const answer = await h.request('POST', `${E}/onhand/indexquery`, QUERY, { headers });
      expect(answer.statusCode).toBe(400);
      expect((answer.json() as { code: string }).code).toBe('invalid_request');
    }
  });
});
