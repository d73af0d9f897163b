import { describe, expect, it } from 'vitest';
import type { LedgerJson } from './api-helpers.js';
import { atpByDay, bikeSchedule } from './schedule-helpers.js';
import { describeAtpExamples } from './schedules/example-tests.js';
import { describeIdempotencyAndBadInput } from './schedules/request-tests.js';
import {
  atpQuery,
  call,
  query,
  readLedger,
  rollOver,
  schedule,
  setNow,
  useSchedulesApp,
} from './schedules/schedules-app.js';

/**
 * On-hand change schedules and available to promise (spec §3; issue 4) through the in-process app.
 * The clock is fake: `setNow` moves it (and re-issues the token, which lives an hour of clock time),
 * `rollOver` runs the start-of-day sweep the server runs after midnight and at start-up.
 */

useSchedulesApp();

describeAtpExamples();
describeIdempotencyAndBadInput();

describe('the day rolls over (fake clock)', () => {
  const dims = { siteId: '1', locationId: '11', colorId: 'red', sizeId: 'small' };
  const row = async (env: string, productId: string) => {
    const res = await query(env, {
      ...atpQuery({ ATPToDate: undefined }),
      filters: { organizationId: ['usmf'], productId: [productId] },
    });
    expect(res.statusCode, res.body).toBe(200);
    return (
      res.json() as { quantities: { pos?: { inbound?: number } }; atpQuantities: Record<string, unknown> }[]
    )[0];
  };
  const kinds = (entries: LedgerJson[], productId: string) =>
    entries.filter((e) => e.changes.some((c) => c.productId === productId)).map((e) => e.kind);

  it('by the vendor’s rule, a schedule whose date has passed lapses: it never becomes on-hand', async () => {
    await setNow('2024-05-10T12:00:00Z');
    await rollOver(); // what earlier tests left behind
    await schedule(
      'lapse',
      bikeSchedule('lapse-1', { '2024-05-11': { pos: { inbound: 10 } } }, dims, 'Lapse'),
    );
    expect(atpByDay([await row('lapse', 'Lapse')])['2024-05-11']).toBe(10);
    await setNow('2024-05-11T00:00:05Z');
    expect(await rollOver()).toBe(0);
    expect(atpByDay([await row('lapse', 'Lapse')])['2024-05-11']).toBe(10);
    await setNow('2024-05-12T00:00:05Z');
    expect(await rollOver()).toBe(1);
    expect(await row('lapse', 'Lapse')).toBeUndefined();
    expect(kinds(await readLedger('lapse'), 'Lapse')).toEqual(['schedule.change', 'schedule.lapse']);
  });

  it('with commitScheduledChanges, a schedule becomes on-hand at the start of its date, exactly once', async () => {
    await setNow('2024-05-10T23:59:00Z');
    await rollOver(); // what earlier tests left behind
    await schedule(
      'commit',
      bikeSchedule(
        'commit-1',
        { '2024-05-11': { pos: { inbound: 10 } }, '2024-05-13': { pos: { inbound: 5 } } },
        dims,
        'Commit',
      ),
    );
    expect((await row('commit', 'Commit'))?.quantities).toEqual({});
    await setNow('2024-05-11T00:00:01Z');
    expect(await rollOver()).toBe(1);
    expect(await rollOver()).toBe(0);
    const day1 = await row('commit', 'Commit');
    expect(day1?.quantities.pos?.inbound).toBe(10);
    expect(atpByDay([day1])['2024-05-13']).toBe(15);
    // Down for two days: the next sweep catches up.
    await setNow('2024-05-14T07:00:00Z');
    expect(await rollOver()).toBe(1);
    expect((await row('commit', 'Commit'))?.quantities.pos?.inbound).toBe(15);
    expect(kinds(await readLedger('commit'), 'Commit')).toEqual([
      'schedule.change',
      'schedule.commit',
      'schedule.commit',
    ]);
  });

  it('with commitScheduledChanges, a schedule for today is on-hand at once', async () => {
    await setNow('2024-05-20T10:00:00Z');
    const res = await schedule(
      'commit',
      bikeSchedule('today-1', { '2024-05-20': { pos: { inbound: 4 } } }, dims, 'Today'),
    );
    expect(res.statusCode).toBe(200);
    expect((await row('commit', 'Today'))?.quantities.pos?.inbound).toBe(4);
    expect(await rollOver()).toBe(0);
    expect((await row('commit', 'Today'))?.quantities.pos?.inbound).toBe(4);
  });

  it('the vendor’s client pattern (actual change plus negated schedule) counts once with commitScheduledChanges', async () => {
    await setNow('2024-05-21T10:00:00Z');
    await schedule(
      'commit',
      bikeSchedule('pat-1', { '2024-05-22': { pos: { inbound: 10 } } }, dims, 'Pattern'),
    );
    await setNow('2024-05-22T00:00:02Z');
    await rollOver();
    await setNow('2024-05-22T15:00:00Z');
    await call('POST', 'commit', '/onhand', {
      id: 'pat-arrived',
      organizationId: 'usmf',
      productId: 'Pattern',
      dimensions: dims,
      quantities: { pos: { inbound: 10 } },
    });
    await schedule(
      'commit',
      bikeSchedule('pat-2', { '2024-05-22': { pos: { inbound: -10 } } }, dims, 'Pattern'),
    );
    expect((await row('commit', 'Pattern'))?.quantities.pos?.inbound).toBe(10);
  });
});
