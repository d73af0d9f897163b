import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import { dimensionsKey } from '../../src/domain/dimensions.js';
import { qtyOf } from '../../src/domain/quantity.js';
import { atpSeries } from '../../src/domain/schedule/atp.js';
import { addDays, dateOf } from '../../src/domain/schedule/schedule-date.js';
import type { ItemOutcome } from '../../src/engine/outcome.js';
import type { LedgerRecord } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Random interleavings of change schedules (valid, out of the period, retried, reversing), on-hand
 * changes and days passing (the clock moves, then the start-of-day sweep runs), with schedules that
 * lapse (the vendor's rule) or commit on their date (commitScheduledChanges). After every step:
 *   (a) stock and scheduled values equal a model of the rules;
 *   (b) they equal a replay of the ledger (undated changes to stock, dated ones to the schedule);
 *   (c) the ATP query returns, for every row and day, the model's projection (atpSeries).
 * Each run gets a fresh environment; the clock starts again for each run.
 */

const PERIOD = 7;
const START = Date.parse('2026-03-01T10:00:00Z');
/** Dimension tuples in canonical form (keys sorted), as the store keeps them. */
const TUPLES: readonly Record<string, string>[] = [
  { colorid: 'red', locationid: '11', siteid: '1', sizeid: 's' },
  { colorid: 'red', locationid: '11', siteid: '1' },
  { colorid: 'blue', locationid: '11', siteid: '1', sizeid: 'm' },
  { colorid: 'red', locationid: '12', siteid: '1', sizeid: 's' },
];
const MEASURES = ['inbound', 'outbound'] as const;

type Step =
  | { kind: 'schedule'; at: number; measure: 0 | 1; day: number; qty: number }
  | { kind: 'stock'; at: number; measure: 0 | 1; qty: number }
  | { kind: 'retry'; ref: number }
  | { kind: 'advance'; hours: number };

const halves = fc.integer({ min: -20, max: 20 }).map((n) => n / 2);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('schedule' as const),
      at: fc.nat({ max: TUPLES.length - 1 }),
      measure: fc.constantFrom(0 as const, 1 as const),
      day: fc.integer({ min: -1, max: PERIOD }),
      qty: halves,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('stock' as const),
      at: fc.nat({ max: TUPLES.length - 1 }),
      measure: fc.constantFrom(0 as const, 1 as const),
      qty: halves,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), ref: fc.nat({ max: 100 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 80 }) }),
  },
);

describe.each(testBackends())('change schedules on %s', (backend) => {
  let now = new Date(START);
  let h: Harness;
  let run = 0;

  beforeAll(async () => {
    h = await startHarness({ clock: () => now, backend, environments: [] });
  });
  afterAll(() => h?.close());

  it('stock, schedules and ATP follow the model and the ledger after every step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(step, { minLength: 10, maxLength: 30 }),
        async (commit, steps) => {
          now = new Date(START);
          const env = `sched-${backend}-${++run}`;
          const config = defaultConfiguration(env);
          config.scheduleConfiguration = {
            ...config.scheduleConfiguration,
            isScheduleEnabled: true,
            schedulePeriodInDays: PERIOD,
            atpCalculatedMeasures: { pos: { availquantity: PERIOD } },
            commitScheduledChanges: commit,
          };
          const { engine } = h.services;
          await engine.environments.replace(env, config);
          const stock = new Map<string, bigint>();
          const schedule = new Map<string, bigint>();
          const sent: { id: string; body: Record<string, unknown> }[] = [];
          const add = (map: Map<string, bigint>, key: string, delta: bigint) => {
            const value = (map.get(key) ?? 0n) + delta;
            if (value === 0n && map === schedule) map.delete(key);
            else map.set(key, value);
          };
          const today = () => dateOf(now);

          for (const [i, s] of steps.entries()) {
            if (s.kind === 'schedule' || s.kind === 'retry') {
              const previous = s.kind === 'retry' ? sent[s.ref % Math.max(sent.length, 1)] : undefined;
              if (s.kind === 'retry' && !previous) continue;
              const date = s.kind === 'schedule' ? addDays(today(), s.day) : '';
              const body =
                previous?.body ??
                (s.kind === 'schedule'
                  ? {
                      id: `s-${i}`,
                      organizationId: 'usmf',
                      productId: 'P',
                      dimensions: TUPLES[s.at] ?? {},
                      quantitiesByDate: { [date]: { pos: { [MEASURES[s.measure]]: s.qty } } },
                    }
                  : {});
              const [outcome] = (await engine.schedules.change(env, [
                { input: body as never, path: '' },
              ])) as ItemOutcome[];
              if (previous) {
                expect(outcome?.replayed || outcome?.status === 'failure').toBe(true);
                continue;
              }
              if (s.kind !== 'schedule') continue;
              const inPeriod = s.day >= 0 && s.day < PERIOD;
              expect(outcome?.status).toBe(inPeriod ? 'success' : 'failure');
              if (!inPeriod) continue;
              sent.push({ id: `s-${i}`, body });
              const key = `${dimensionsKey(TUPLES[s.at] ?? {})}|${MEASURES[s.measure]}`;
              if (commit && date <= today()) add(stock, key, qtyOf(s.qty));
              else add(schedule, `${key}|${date}`, qtyOf(s.qty));
            } else if (s.kind === 'stock') {
              const measure = MEASURES[s.measure];
              const [outcome] = await engine.changeOnHand(env, [
                {
                  input: {
                    id: `o-${i}`,
                    organizationId: 'usmf',
                    productId: 'P',
                    dimensions: TUPLES[s.at] ?? {},
                    quantities: { pos: { [measure]: s.qty } },
                  },
                  path: '',
                },
              ]);
              expect(outcome?.status).toBe('success');
              add(stock, `${dimensionsKey(TUPLES[s.at] ?? {})}|${measure}`, qtyOf(s.qty));
            } else {
              now = new Date(now.getTime() + s.hours * 3_600_000);
              await engine.schedules.rollOver();
              const cutoff = commit ? addDays(today(), 1) : today();
              for (const [key, value] of [...schedule]) {
                const date = key.slice(key.lastIndexOf('|') + 1);
                if (date >= cutoff) continue;
                schedule.delete(key);
                if (commit) add(stock, key.slice(0, key.lastIndexOf('|')), value);
              }
            }
            await expectState(env, stock, schedule, today());
          }
        },
      ),
      { numRuns: Number(process.env.ONHAND_PROPERTY_RUNS ?? 25) },
    );
  }, 240_000);

  async function expectState(
    env: string,
    stock: Map<string, bigint>,
    schedule: Map<string, bigint>,
    today: string,
  ) {
    const { store, engine } = h.services;
    const selector = { organizationIds: ['usmf'], productIds: ['P'] };
    const stored = new Map(
      (await store.readStock(env, selector)).map((r) => [
        `${dimensionsKey(r.dimensions)}|${r.measure}`,
        r.quantity,
      ]),
    );
    const scheduled = new Map(
      (await store.readSchedule(env, selector, null)).map((r) => [
        `${dimensionsKey(r.dimensions)}|${r.measure}|${r.date}`,
        r.quantity,
      ]),
    );
    const nonZero = (m: Map<string, bigint>) => new Map([...m].filter(([, v]) => v !== 0n));
    // (a) the model
    expect(nonZero(stored)).toEqual(nonZero(stock));
    expect(scheduled).toEqual(schedule);
    // (b) the ledger
    const ledger: LedgerRecord[] = await store.readLedger(env, 0, 100_000);
    const replayStock = new Map<string, bigint>();
    const replaySchedule = new Map<string, bigint>();
    for (const entry of ledger) {
      for (const c of entry.changes) {
        const key = `${dimensionsKey(c.dimensions)}|${c.measure}`;
        const target = c.date === undefined ? replayStock : replaySchedule;
        const full = c.date === undefined ? key : `${key}|${c.date}`;
        target.set(full, (target.get(full) ?? 0n) + c.delta);
      }
    }
    expect(nonZero(replayStock)).toEqual(nonZero(stored));
    expect(nonZero(replaySchedule)).toEqual(scheduled);
    // (c) ATP per row and day
    const rows = await engine.indexQuery(env, {
      filters: { organizationId: ['usmf'], productId: ['P'] },
      groupByValues: ['colorId', 'sizeId'],
      returnNegative: true,
      QueryATP: true,
    });
    const groupOf = (dimsKey: string) => {
      const d = JSON.parse(dimsKey) as Record<string, string>;
      return [d.colorid ?? '', d.sizeid ?? '', d.siteid ?? '', d.locationid ?? ''].join('|');
    };
    const expected = new Map<string, { onHand: bigint; deltas: bigint[] }>();
    const entry = (g: string) => {
      const e = expected.get(g) ?? { onHand: 0n, deltas: new Array<bigint>(PERIOD).fill(0n) };
      expected.set(g, e);
      return e;
    };
    const sign = (measure: string) => (measure === 'inbound' ? 1n : -1n);
    for (const [key, value] of stored) {
      const [dims = '', measure = ''] = key.split('|');
      entry(groupOf(dims)).onHand += sign(measure) * value;
    }
    for (const [key, value] of scheduled) {
      const [dims = '', measure = '', date = ''] = key.split('|');
      const e = entry(groupOf(dims));
      const day = Math.max(0, Math.round((Date.parse(date) - Date.parse(today)) / 86_400_000));
      e.deltas[day] = (e.deltas[day] ?? 0n) + sign(measure) * value;
    }
    const actual = new Map(
      rows.map((r) => [
        [r.dimensions.ColorId, r.dimensions.SizeId, r.dimensions.siteid, r.dimensions.locationid].join('|'),
        Object.values(r.atpQuantities ?? {}).map((q) => q.pos?.availquantity ?? 0n),
      ]),
    );
    for (const [group, { onHand, deltas }] of expected) {
      expect(actual.get(group), group).toEqual(atpSeries(onHand, deltas));
    }
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  }
});
