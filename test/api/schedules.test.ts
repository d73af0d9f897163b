import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { type ExpectedError, expectError, type LedgerJson } from './api-helpers.js';
import {
  atpByDay,
  bikeSchedule,
  enableAtp,
  example,
  exampleText,
  freshToken,
  ledgerOf,
} from './schedule-helpers.js';

/**
 * On-hand change schedules and available to promise (spec §3; issue 4) through the in-process app.
 * The clock is fake: `setNow` moves it (and re-issues the token, which lives an hour of clock time),
 * `rollOver` runs the start-of-day sweep the server runs after midnight and at start-up.
 */

let now = new Date('2023-09-08T09:00:00Z');
let h: Harness;
let token: string;

const ENVIRONMENTS = [
  'fixture',
  'fixturebulk',
  'fixtureget',
  'fixtureindex',
  'rules',
  'lapse',
  'commit',
  'off',
];

beforeAll(async () => {
  h = await startHarness({ clock: () => now, environments: ENVIRONMENTS });
  token = h.adminToken;
  for (const env of ENVIRONMENTS.filter((e) => e.startsWith('fixture')))
    await enableAtp(h, env, token, {}, true);
  for (const env of ['rules', 'lapse']) await enableAtp(h, env, token);
  await enableAtp(h, 'commit', token, { commitScheduledChanges: true });
});
afterAll(() => h?.close());

async function setNow(iso: string): Promise<void> {
  now = new Date(iso);
  token = await freshToken(h);
}
const readLedger = (env: string) => ledgerOf(h, env, token);
const rollOver = () => h.services.engine.schedules.rollOver();
const call = (method: string, env: string, path: string, body?: unknown) =>
  h.request(method, `/api/environment/${env}${path}`, body, { token });
const schedule = (env: string, body: unknown) => call('POST', env, '/onhand/changeschedule', body);
const query = (env: string, body: unknown) => call('POST', env, '/onhand/indexquery', body);
const atpQuery = (extra: Record<string, unknown> = {}) => ({
  filters: { organizationId: ['usmf'], productId: ['Bike'], siteId: ['1'], locationId: ['11'] },
  groupByValues: ['ColorId', 'SizeId'],
  returnNegative: true,
  QueryATP: true,
  ...extra,
});

describe('the vendor’s 180-day ATP examples, posted as they are (test/fixtures/iv-examples/atp180_*)', () => {
  it('a change schedule gets the vendor’s response', async () => {
    await setNow('2023-09-08T09:00:00Z');
    const res = await schedule('fixture', example('atp180_changeschedule.request.json'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(example('atp180_changeschedule.response.json'));
  });

  it('a bulk change schedule gets the vendor’s buckets', async () => {
    await setNow('2023-09-08T09:00:00Z');
    const res = await call(
      'POST',
      'fixturebulk',
      '/onhand/changeschedule/bulk',
      example('atp180_changeschedulebulk.request.json'),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(example('atp180_changeschedulebulk.response.json'));
  });

  it('the GET query returns the vendor’s rows: 30 days from the query date, ATP 0 before the first supply', async () => {
    await setNow('2023-09-26T09:00:00Z');
    const site = { siteId: '1', locationId: '11' };
    for (const body of [
      bikeSchedule('get-1', { '2023-10-01': { iv: { ordered: 10 } } }),
      bikeSchedule('get-2', { '2023-10-02': { iv: { ordered: 10 } } }),
      bikeSchedule('get-3', { '2023-10-01': { iv: { ordered: 10 } } }, site),
    ]) {
      expect((await schedule('fixtureget', body)).statusCode).toBe(200);
    }
    const url = new URL(exampleText('atp180_query_by_GET.request.txt').trim()).search;
    const res = await call('GET', 'fixtureget', `/onhand${url}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(example('atp180_query_by_GET.response.json'));
  });

  it('the index query returns the vendor’s rows for ATPFromDate … ATPToDate', async () => {
    await setNow('2023-09-26T09:00:00Z');
    expect(
      (await schedule('fixtureindex', bikeSchedule('ix-1', { '2023-10-01': { iv: { ordered: 10 } } })))
        .statusCode,
    ).toBe(200);
    const res = await query('fixtureindex', example('atp180_indexquery.request.json'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(example('atp180_indexquery.response.json'));
  });

  it('the exact query returns the same row over the whole period', async () => {
    await setNow('2023-09-26T09:00:00Z');
    const res = await call(
      'POST',
      'fixtureindex',
      '/onhand/exactquery',
      example('atp180_exactquery.request.json'),
    );
    expect(res.statusCode, res.body).toBe(200);
    const [expected] = example('atp180_indexquery.response.json') as Record<string, unknown>[];
    const rows = res.json() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.quantitiesByDate).toEqual(expected?.quantitiesByDate);
    expect(rows[0]?.dimensions).toEqual(expected?.dimensions);
    const days = atpByDay(rows);
    expect(Object.keys(days)).toHaveLength(30);
    expect(days['2023-09-30']).toBe(0);
    expect(days['2023-10-01']).toBe(10);
    expect(days['2023-10-25']).toBe(10);
  });
});

describe('a week of receipts and sales (the worked example of docs/api.md)', () => {
  it('projects each day and promises the smallest projection ahead', async () => {
    await setNow('2024-03-04T08:00:00Z');
    const env = 'rules';
    const site = { siteId: '1', locationId: '11', colorId: 'blue', sizeId: 'm' };
    const stock = await call('POST', env, '/onhand', {
      id: 'week-stock',
      organizationId: 'usmf',
      productId: 'Kettle',
      dimensions: site,
      quantities: { pos: { inbound: 20 } },
    });
    expect(stock.statusCode).toBe(200);
    const plan = await schedule(
      env,
      bikeSchedule(
        'week-plan',
        {
          '2024-03-04': { pos: { outbound: 3 } },
          '2024-03-06': { pos: { inbound: 10 } },
          '2024-03-07': { pos: { outbound: 15 } },
          '2024-03-08': { pos: { inbound: 1 } },
          '2024-03-09': { pos: { inbound: 3 } },
        },
        site,
        'Kettle',
      ),
    );
    expect(plan.statusCode, plan.body).toBe(200);
    const res = await query(env, {
      ...atpQuery({ ATPToDate: '2024-03-10' }),
      filters: { organizationId: ['usmf'], productId: ['Kettle'], siteId: ['1'], locationId: ['11'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(atpByDay(res.json())).toEqual({
      '2024-03-04': 12,
      '2024-03-05': 12,
      '2024-03-06': 12,
      '2024-03-07': 12,
      '2024-03-08': 13,
      '2024-03-09': 16,
      '2024-03-10': 16,
    });
    const [row] = res.json() as { quantitiesByDate: Record<string, { pos: Record<string, number> }> }[];
    expect(Object.keys(row?.quantitiesByDate ?? {})).toEqual([
      '2024-03-04T00:00:00',
      '2024-03-06T00:00:00',
      '2024-03-07T00:00:00',
      '2024-03-08T00:00:00',
      '2024-03-09T00:00:00',
    ]);
    expect(row?.quantitiesByDate['2024-03-07T00:00:00']?.pos).toEqual({
      inbound: 0,
      outbound: 15,
      availquantity: -15,
    });
  });
});

describe('idempotency and the ledger', () => {
  it('a resubmitted schedule is applied once; the same id with another body is a conflict', async () => {
    await setNow('2024-03-04T08:00:00Z');
    const body = bikeSchedule('idem-1', { '2024-03-05': { iv: { ordered: '2.5' } } }, undefined, 'Idem');
    const first = await schedule('rules', body);
    const again = await schedule('rules', {
      ...body,
      quantitiesByDate: { '2024-03-05': { IV: { Ordered: 2.5 } } },
    });
    expect(first.json()).toEqual(again.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await schedule(
      'rules',
      bikeSchedule('idem-1', { '2024-03-05': { iv: { ordered: 3 } } }, undefined, 'Idem'),
    );
    expectError(other, { status: 409, code: 'event_id_conflict' });
    const res = await query('rules', {
      ...atpQuery({ ATPToDate: '2024-03-05' }),
      filters: { organizationId: ['usmf'], productId: ['Idem'] },
    });
    expect(atpByDay(res.json())).toEqual({ '2024-03-04': 0, '2024-03-05': 2.5 });
    const entries = (await readLedger('rules')).filter((e) => e.eventId === 'idem-1');
    expect(
      entries.map((e) => [e.kind, e.changes.map((c) => [(c as { date?: string }).date, c.delta])]),
    ).toEqual([['schedule.change', [['2024-03-05', 2.5]]]]);
  });

  it('a negative schedule reverses an earlier one, and a date that nets to nothing disappears', async () => {
    await setNow('2024-03-04T08:00:00Z');
    const dims = { siteId: '1', locationId: '11', colorId: 'red', sizeId: 'small' };
    await schedule('rules', bikeSchedule('rev-1', { '2024-03-06': { pos: { inbound: 10 } } }, dims, 'Rev'));
    await schedule('rules', bikeSchedule('rev-2', { '2024-03-06': { pos: { inbound: -10 } } }, dims, 'Rev'));
    const res = await query('rules', {
      ...atpQuery({ ATPToDate: '2024-03-07' }),
      filters: { organizationId: ['usmf'], productId: ['Rev'] },
    });
    expect(res.json()).toEqual([]);
  });
});

describe('bad input gets a clear error and changes nothing', () => {
  const cases: [string, () => unknown, ExpectedError][] = [
    [
      'a date in the past',
      () => bikeSchedule('bad-1', { '2024-03-03': { iv: { ordered: 1 } } }),
      { status: 400, code: 'date_outside_schedule_period', path: '/quantitiesByDate/2024-03-03' },
    ],
    [
      'a date beyond the period',
      () => bikeSchedule('bad-2', { '2024-04-03': { iv: { ordered: 1 } } }),
      { status: 400, code: 'date_outside_schedule_period', path: '/quantitiesByDate/2024-04-03' },
    ],
    [
      'an unparseable date',
      () => bikeSchedule('bad-3', { 'next tuesday': { iv: { ordered: 1 } } }),
      { status: 400, code: 'invalid_date', path: '/quantitiesByDate/next tuesday' },
    ],
    [
      'a measure no ATP measure uses',
      () => bikeSchedule('bad-4', { '2024-03-05': { iom: { onorder: 1 } } }),
      { status: 400, code: 'measure_not_scheduled', path: '/quantitiesByDate/2024-03-05/iom/onorder' },
    ],
    [
      'a quantity with too many decimals',
      () => bikeSchedule('bad-5', { '2024-03-05': { iv: { ordered: '0.0000001' } } }),
      { status: 400, code: 'quantity_precision' },
    ],
    [
      'a quantity beyond the range',
      () => bikeSchedule('bad-6', { '2024-03-05': { iv: { ordered: '1e30' } } }),
      { status: 400, code: 'quantity_out_of_range' },
    ],
    [
      'an unknown field',
      () => ({ ...bikeSchedule('bad-7', { '2024-03-05': { iv: { ordered: 1 } } }), colour: 'red' }),
      { status: 400, code: 'unknown_field', path: '/colour' },
    ],
    [
      'dates that are not an object',
      () => ({ ...bikeSchedule('bad-8', {}), quantitiesByDate: [1] }),
      { status: 400, code: 'invalid_type', path: '/quantitiesByDate' },
    ],
    [
      'no dates',
      () => ({ ...bikeSchedule('bad-9', {}), quantitiesByDate: undefined }),
      { status: 400, code: 'missing_field', path: '/quantitiesByDate' },
    ],
    [
      'a very long product id',
      () => bikeSchedule('bad-10', { '2024-03-05': { iv: { ordered: 1 } } }, undefined, 'x'.repeat(5000)),
      { status: 400, code: 'value_too_long' },
    ],
  ];

  it.each(cases)('%s', async (_case, body, expected) => {
    await setNow('2024-03-04T08:00:00Z');
    const before = await readLedger('rules');
    expectError(await schedule('rules', body()), expected);
    expect(await readLedger('rules')).toEqual(before);
  });

  it('a schedule while schedules are disabled', async () => {
    await setNow('2024-03-04T08:00:00Z');
    expectError(await schedule('off', bikeSchedule('off-1', { '2024-03-05': { iv: { ordered: 1 } } })), {
      status: 400,
      code: 'schedule_disabled',
    });
    expectError(await query('off', atpQuery()), {
      status: 400,
      code: 'schedule_disabled',
      path: '/QueryATP',
    });
  });

  it('malformed JSON, and a bulk of more than 512', async () => {
    await setNow('2024-03-04T08:00:00Z');
    const raw = await h.request('POST', '/api/environment/rules/onhand/changeschedule', undefined, {
      token,
      rawBody: '{"id":',
    });
    expectError(raw, { status: 400, code: 'malformed_json' });
    const many = Array.from({ length: 513 }, (_, i) =>
      bikeSchedule(`many-${i}`, { '2024-03-05': { iv: { ordered: 1 } } }),
    );
    expectError(await call('POST', 'rules', '/onhand/changeschedule/bulk', many), {
      status: 400,
      code: 'too_many_items',
    });
  });

  it('in a bulk, only the bad items fail', async () => {
    await setNow('2024-03-04T08:00:00Z');
    const res = await call('POST', 'rules', '/onhand/changeschedule/bulk', [
      bikeSchedule('mixed-1', { '2024-03-05': { iv: { ordered: 1 } } }, undefined, 'Mixed'),
      bikeSchedule('mixed-2', { '1999-01-01': { iv: { ordered: 1 } } }, undefined, 'Mixed'),
    ]);
    const body = res.json() as {
      success: { id: string }[];
      failure: { id: string; code: string; details: { path: string }[] }[];
    };
    expect(body.success.map((s) => s.id)).toEqual(['ohcs~mixed-1']);
    expect(body.failure.map((f) => [f.id, f.code, f.details[0]?.path])).toEqual([
      ['ohcs~mixed-2', 'date_outside_schedule_period', '/1/quantitiesByDate/1999-01-01'],
    ]);
  });

  it.each([
    [
      'a group-by that is not an ATP index set',
      { groupByValues: ['ColorId'] },
      'invalid_atp_query',
      '/groupByValues',
    ],
    [
      'a filter outside the index set',
      { filters: { organizationId: ['usmf'], productId: ['Bike'], styleId: ['x'] } },
      'invalid_atp_query',
      '/filters',
    ],
    ['an unparseable ATPFromDate', { ATPFromDate: 'soon' }, 'invalid_date', '/ATPFromDate'],
    [
      'ATPFromDate after ATPToDate',
      { ATPFromDate: '2024-03-09', ATPToDate: '2024-03-08' },
      'invalid_date_range',
      '/ATPFromDate',
    ],
    [
      'a range outside the period',
      { ATPFromDate: '2025-01-01', ATPToDate: '2025-01-02' },
      'date_outside_schedule_period',
      '/ATPFromDate',
    ],
  ])('an ATP query with %s', async (_case, extra, code, path) => {
    await setNow('2024-03-04T08:00:00Z');
    expectError(await query('rules', atpQuery(extra)), { status: 400, code, path });
  });

  it('a configuration whose ATP measures use nine physical measures', async () => {
    const current = (await call('GET', 'rules', '/configuration')).json() as {
      inventorySystemConfigurations: Record<string, { calculatedMeasures: Record<string, unknown> }>;
      scheduleConfiguration: Record<string, unknown>;
    };
    const nine = [
      'arrived',
      'physicalinvent',
      'reservphysical',
      'onorder',
      'notspecified',
      'availordered',
      'availphysical',
      'picked',
      'postedqty',
    ];
    current.inventorySystemConfigurations.pos!.calculatedMeasures.wide = {
      additionModifiers: nine.map((m) => `fno.${m}`),
      subtractionModifiers: [],
    };
    current.scheduleConfiguration.atpCalculatedMeasures = { pos: { wide: 30 } };
    const res = await call('POST', 'rules', '/configuration/hardupdate', current);
    expectError(res, {
      status: 400,
      code: 'invalid_configuration',
      path: '/scheduleConfiguration/atpCalculatedMeasures',
    });
    expect((res.json() as { details: { code: string }[] }).details.map((d) => d.code)).toEqual([
      'too_many_atp_measures',
    ]);
  });
});

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
