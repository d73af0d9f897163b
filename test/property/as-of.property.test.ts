import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bikeSchedule, enableAtp, freshToken } from '../api/schedule-helpers.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * As-of queries (docs/feed.md): for random histories of on-hand changes, counts, reservations,
 * releases (of several reservations at once, too), unreserves, extensions, schedules and partition
 * clean-ups, the answer of a query as of each past moment (given both as a feed position and as a time)
 * equals the answer the same query gave at that moment, and so does each reservation read by id. The
 * checkpoint spans are tiny (ONHAND_FEED_SPAN_SIZE=3) and written at random points, so answers are
 * rebuilt through spans and through single entries alike; on SQLite the spans are summed in memory as
 * their entries commit where they can (committed-spans.ts) and read back otherwise.
 */
const START = new Date('2026-03-01T00:00:00Z').getTime();

describe.each(testBackends())('as-of queries on %s', (backend) => {
  let now = new Date(START);
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clock: () => now, backend, env: { ONHAND_FEED_SPAN_SIZE: '3' } });
    // As a started checkpointer does: where the store can (SQLite), spans it committed whole are summed
    // in memory and taken from there, the others read back.
    h.services.store.feed.keepSpanSums?.(3);
  });
  afterAll(() => h?.close());

  const COLORS = ['red', 'blue'];
  const SITES = ['1', '2'];
  type Step =
    | { kind: 'change'; color: number; site: number; measure: 'inbound' | 'outbound'; qty: number }
    | { kind: 'count'; color: number; site: number; qty: number }
    | { kind: 'reserve'; color: number; site: number; qty: number }
    | { kind: 'release'; color: number; site: number; qty: number }
    | { kind: 'unreserve'; pick: number; qty: number }
    | { kind: 'extend'; pick: number; minutes: number }
    | { kind: 'schedule'; color: number; qty: number }
    | { kind: 'cleanup'; site: number }
    | { kind: 'checkpoint' };
  const color = fc.nat({ max: COLORS.length - 1 });
  const site = fc.nat({ max: SITES.length - 1 });
  const qty = fc.integer({ min: 1, max: 9 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('change' as const),
        color,
        site,
        measure: fc.constantFrom('inbound' as const, 'outbound' as const),
        qty,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('count' as const), color, site, qty }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('reserve' as const), color, site, qty }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), color, site, qty }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('unreserve' as const), pick: fc.nat(), qty }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('extend' as const),
        pick: fc.nat(),
        minutes: fc.integer({ min: 30, max: 600 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('schedule' as const), color, qty }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cleanup' as const), site }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  );

  let run = 0;
  it('answers as of every past moment what a query answered then', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), async (steps) => {
        const env = `asof${++run}`;
        const E = `/api/environment/${env}`;
        now = new Date(START + run * 100 * 60_000);
        const token = await freshToken(h);
        const req = (method: string, url: string, body?: unknown) => h.request(method, url, body, { token });
        expect((await req('PUT', E)).statusCode).toBe(201);
        await enableAtp(h, env, token);
        const query = {
          filters: { organizationId: ['usmf'], productId: ['P'] },
          groupByValues: ['colorId', 'sizeId'],
          returnNegative: true,
          QueryATP: true,
        };
        const seen: { position: string; time: string; answer: unknown; reservations: View[] }[] = [];
        const ids: string[] = [];
        for (const [i, s] of steps.entries()) {
          now = new Date(START + (run * 100 + i) * 60_000);
          const made = await apply(req, E, s, `${env}-${i}`, ids);
          if (made) ids.push(made);
          now = new Date(now.getTime() + 1000);
          const answer = await req('POST', `${E}/onhand/indexquery`, query);
          expect(answer.statusCode, answer.body).toBe(200);
          const reservations = await Promise.all(ids.map((id) => view(req, E, id)));
          const head = (await req('GET', `${E}/feed?after=0&limit=1000`)).json() as { next: string };
          seen.push({ position: head.next, time: now.toISOString(), answer: answer.json(), reservations });
        }
        // A reservation that a clean-up deleted is not found at any moment (docs/feed.md).
        const kept = (await Promise.all(ids.map((id) => view(req, E, id)))).map((v) => v.status === 200);
        now = new Date(now.getTime() + 60_000);
        await h.services.engine.checkpointer.runOnce();
        for (const moment of seen) {
          for (const asOf of [moment.position, moment.time]) {
            const past = await req('POST', `${E}/onhand/indexquery`, { ...query, asOf });
            expect(past.statusCode, past.body).toBe(200);
            expect(past.json(), `as of ${asOf} (moment ${seen.indexOf(moment)})`).toEqual(moment.answer);
            for (const [k, then] of moment.reservations.entries()) {
              if (!kept[k]) continue;
              const asThen = await view(req, E, ids[k] ?? '', asOf);
              expect(asThen, `reservation ${ids[k]} as of ${asOf}`).toEqual(then);
            }
          }
        }
      }),
      {
        numRuns: Number(process.env.ASOF_RUNS ?? 12),
        examples: [
          [
            [
              { kind: 'change', color: 1, site: 0, measure: 'inbound', qty: 1 },
              { kind: 'schedule', color: 0, qty: 1 },
              { kind: 'reserve', color: 1, site: 0, qty: 1 },
              { kind: 'release', color: 1, site: 0, qty: 1 },
              { kind: 'change', color: 0, site: 1, measure: 'inbound', qty: 1 },
              { kind: 'extend', pick: 0, minutes: 30 },
              { kind: 'unreserve', pick: 0, qty: 1 },
              { kind: 'unreserve', pick: 0, qty: 1 },
            ],
          ],
          [
            [
              { kind: 'cleanup', site: 0 },
              { kind: 'change', color: 1, site: 0, measure: 'inbound', qty: 2 },
              { kind: 'reserve', color: 1, site: 0, qty: 1 },
              { kind: 'release', color: 1, site: 0, qty: 1 },
            ],
          ],
        ],
      },
    );
  }, 240_000);

  type Req = (method: string, url: string, body?: unknown) => ReturnType<Harness['request']>;
  type View = { status: number; body: unknown };

  async function view(x: Req, E: string, id: string, asOf?: string): Promise<View> {
    const query = asOf === undefined ? '' : `?asOf=${encodeURIComponent(asOf)}`;
    const res = await x('GET', `${E}/onhand/reservations/${encodeURIComponent(id)}${query}`);
    return { status: res.statusCode, body: res.json() };
  }

  /** Applies the step; answers the id of the reservation it made, if any. */
  async function apply(x: Req, E: string, s: Step, id: string, ids: string[]): Promise<string | undefined> {
    const at = (c: number, st: number) => ({
      siteId: SITES[st] ?? '1',
      locationId: '11',
      colorId: COLORS[c] ?? 'red',
    });
    const item = { id, organizationId: 'usmf', productId: 'P' };
    if (s.kind === 'change')
      await x('POST', `${E}/onhand`, {
        ...item,
        dimensions: at(s.color, s.site),
        quantities: { pos: { [s.measure]: s.qty } },
      });
    else if (s.kind === 'count')
      await x('POST', `${E}/setonhand/pos/bulk`, [
        { ...item, dimensions: at(s.color, s.site), quantities: { pos: { inbound: s.qty } } },
      ]);
    else if (s.kind === 'reserve' || s.kind === 'release') {
      const res = await x('POST', `${E}/onhand/reserve`, {
        ...item,
        dimensions: at(s.color, s.site),
        quantities: { iv: { softreserved: s.kind === 'reserve' ? s.qty : -s.qty } },
        ifCheckAvailForReserv: s.kind === 'reserve',
        ...(s.kind === 'reserve' ? { ttlSeconds: 86_400 } : {}),
      });
      const made = (res.json() as { reservationId?: string }).reservationId;
      return s.kind === 'reserve' && res.statusCode === 200 && made ? made : undefined;
    } else if (s.kind === 'unreserve' || s.kind === 'extend') {
      const target = ids[s.pick % Math.max(1, ids.length)];
      if (target === undefined) return undefined;
      if (s.kind === 'unreserve')
        await x('POST', `${E}/onhand/unreserve`, {
          ...item,
          reservationId: target,
          OffsetQty: s.qty,
        });
      else
        await x('POST', `${E}/onhand/reservations/${encodeURIComponent(target)}/extend`, {
          expiresAt: new Date(now.getTime() + s.minutes * 60_000).toISOString(),
        });
    } else if (s.kind === 'schedule')
      await x(
        'POST',
        `${E}/onhand/changeschedule`,
        bikeSchedule(
          id,
          {
            [new Date(now.getTime() + 2 * 86_400_000).toISOString().slice(0, 10)]: {
              pos: { inbound: s.qty },
            },
          },
          at(s.color, 0),
          'P',
        ),
      );
    else if (s.kind === 'cleanup')
      await x('DELETE', `${E}/partitions/cleanupalldata`, [`usmf~${SITES[s.site]}~11`]);
    else await h.services.engine.checkpointer.runOnce();
    return undefined;
  }
});
