import { describe, expect, it } from 'vitest';
import { type ExpectedError, expectError } from '../api-helpers.js';
import { atpByDay, bikeSchedule } from '../schedule-helpers.js';
import { atpQuery, call, h, query, readLedger, schedule, setNow, token } from './schedules-app.js';

/**
 * Idempotency and the ledger; bad schedule input gets a clear error and changes nothing: part of
 * schedules.test.ts, registered there in its order.
 */
export function describeIdempotencyAndBadInput(): void {
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
      await schedule(
        'rules',
        bikeSchedule('rev-2', { '2024-03-06': { pos: { inbound: -10 } } }, dims, 'Rev'),
      );
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
}
