import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IndexQueryInput } from '../../src/domain/query/parse-query.js';
import { Engine } from '../../src/engine/engine.js';
import { toJson } from '../../src/http/json.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Availability reads from memory (docs/storefront.md): for random histories of on-hand changes,
 * counts, reservations, releases, partition clean-ups and configuration updates over several products,
 * every answer the server gives from its in-memory stock equals the answer computed from the database
 * at that moment (an engine with the memory turned off, on the same store). The memory is tiny
 * (ONHAND_READ_CACHE_ROWS=6), so products are dropped and loaded again along the way.
 */
describe.each(testBackends())('availability reads from memory on %s', (backend) => {
  let h: Harness;
  let fromDatabase: Engine;
  beforeAll(async () => {
    h = await startHarness({ backend, env: { ONHAND_READ_CACHE_ROWS: '6' } });
    fromDatabase = new Engine({
      store: h.services.store,
      clock: () => new Date(),
      limits: h.settings.limits,
      readCacheRows: 0,
    });
  });
  afterAll(async () => {
    await fromDatabase?.drain();
    await h?.close();
  });

  const PRODUCTS = ['P1', 'P2', 'P3'];
  const COLORS = ['red', 'blue'];
  const SITES = ['1', '2'];
  type Step =
    | { kind: 'change' | 'count' | 'reserve' | 'release'; p: number; c: number; s: number; q: number }
    | { kind: 'cleanup'; s: number }
    | { kind: 'configure' }
    | { kind: 'query'; p: number };
  const place = {
    p: fc.nat({ max: 2 }),
    c: fc.nat({ max: 1 }),
    s: fc.nat({ max: 1 }),
    q: fc.integer({ min: 1, max: 9 }),
  };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('change' as const), ...place }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('count' as const), ...place }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('reserve' as const), ...place }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), ...place }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cleanup' as const), s: fc.nat({ max: 1 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'configure' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('query' as const), p: fc.nat({ max: 2 }) }) },
  );

  let run = 0;
  it('answers every query from memory exactly as from the database', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const env = `mem${++run}`;
        const E = `/api/environment/${env}`;
        const req = (method: string, url: string, body?: unknown) => h.request(method, url, body);
        expect((await req('PUT', E)).statusCode).toBe(201);
        for (const [i, s] of steps.entries()) {
          await apply(req, E, s, `${env}-${i}`);
          for (const products of [[PRODUCTS[s.kind === 'query' ? s.p : 0] ?? 'P1'], PRODUCTS]) {
            const query: IndexQueryInput = {
              filters: { organizationId: ['usmf'], productId: products },
              groupByValues: ['colorId'],
              returnNegative: true,
            } as unknown as IndexQueryInput;
            const answer = await req('POST', `${E}/onhand/indexquery`, query);
            expect(answer.statusCode, answer.body).toBe(200);
            expect(answer.headers['onhand-position']).toMatch(/^\d+$/);
            const rows = await fromDatabase.indexQuery(env, query);
            const truth = JSON.parse(toJson(rows.map(({ organizationId: _o, ...row }) => row)));
            expect(answer.json(), `after step ${i} (${s.kind})`).toEqual(truth);
          }
        }
      }),
      { numRuns: Number(process.env.MEMORY_READS_RUNS ?? 10) },
    );
    // The answers above came from memory: the views hold rows (within their bound plus one product).
    // The last history may end with a configuration update or a clean-up, after which its view takes a
    // new snapshot (its reads go to the database meanwhile): asked again until the view serves them.
    const { views } = h.services.engine;
    const last = `/api/environment/mem${run}/onhand/indexquery`;
    const query = { filters: { organizationId: ['usmf'], productId: PRODUCTS }, groupByValues: ['colorId'] };
    await vi.waitFor(
      async () => {
        expect((await h.request('POST', last, query)).statusCode).toBe(200);
        expect(views.rowsHeld).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(views.served.memory).toBeGreaterThan(views.served.database * 5);
  }, 240_000);

  type Req = (method: string, url: string, body?: unknown) => ReturnType<Harness['request']>;

  async function apply(x: Req, E: string, s: Step, id: string): Promise<void> {
    if (s.kind === 'query') return;
    if (s.kind === 'cleanup') {
      await x('DELETE', `${E}/partitions/cleanupalldata`, [`usmf~${SITES[s.s]}~11`]);
      return;
    }
    if (s.kind === 'configure') {
      const current = (await x('GET', `${E}/configuration`)).json() as Record<string, unknown>;
      const answer = await x('POST', `${E}/configuration/hardupdate`, current);
      expect(answer.statusCode, answer.body).toBeLessThan(300);
      return;
    }
    const item = {
      id,
      organizationId: 'usmf',
      productId: PRODUCTS[s.p] ?? 'P1',
      dimensions: { siteId: SITES[s.s] ?? '1', locationId: '11', colorId: COLORS[s.c] ?? 'red' },
    };
    if (s.kind === 'change')
      await x('POST', `${E}/onhand`, { ...item, quantities: { pos: { inbound: s.q } } });
    else if (s.kind === 'count')
      await x('POST', `${E}/setonhand/pos/bulk`, [{ ...item, quantities: { pos: { inbound: s.q } } }]);
    else
      await x('POST', `${E}/onhand/reserve`, {
        ...item,
        quantities: { iv: { softreserved: s.kind === 'reserve' ? s.q : -s.q } },
        ifCheckAvailForReserv: s.kind === 'reserve',
      });
  }
});
