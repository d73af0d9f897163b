import { describe, expect, it } from 'vitest';
import type { Dimensions } from '../../src/domain/dimensions.js';
import { qtyOf } from '../../src/domain/quantity.js';
import { aggregate } from '../../src/domain/query/aggregate.js';
import { applyAtp } from '../../src/domain/query/parse-atp.js';
import {
  type IndexQueryInput,
  parseExactQuery,
  parseIndexQuery,
} from '../../src/domain/query/parse-query.js';
import {
  DEFAULT_QUERY_LIMITS,
  type ScheduleValue,
  type StockValue,
} from '../../src/domain/query/query-plan.js';
import { expectFailure } from './helpers.js';
import { atpConfig } from './schedule-helpers.js';

const TODAY = '2023-09-26';
const config = atpConfig();
const CLAMP = { negativeMode: 'clamp' } as const;
const RED_SMALL = { siteid: '1', locationid: '11', colorid: 'red', sizeid: 'small' };

const value = (dimensions: Dimensions, measure: string, quantity: number): StockValue => {
  const [dataSource = '', name = ''] = measure.split('.');
  return {
    organizationId: 'usmf',
    productId: 'Bike',
    dimensions,
    dataSource,
    measure: name,
    quantity: qtyOf(quantity),
  };
};
const scheduled = (
  date: string,
  dimensions: Dimensions,
  measure: string,
  quantity: number,
): ScheduleValue => ({
  ...value(dimensions, measure, quantity),
  date,
});

const request = (extra: Partial<IndexQueryInput> = {}): IndexQueryInput => ({
  filters: { organizationId: ['usmf'], productId: ['Bike'], siteId: ['1'], locationId: ['11'] },
  groupByValues: ['ColorId', 'SizeId'],
  returnNegative: true,
  QueryATP: true,
  ...extra,
});
const plan = (input: IndexQueryInput, cfg = config) =>
  applyAtp(cfg, parseIndexQuery(cfg, input, DEFAULT_QUERY_LIMITS, 1), input, TODAY);

describe('an ATP query (spec §3.6)', () => {
  it('reports ATP for every day of the period by default, and scheduled changes on their dates', () => {
    const rows = aggregate(config, plan(request()), [], CLAMP, [
      scheduled('2023-10-01', RED_SMALL, 'iv.ordered', 10),
      scheduled('2023-10-02', RED_SMALL, 'iv.ordered', 10),
    ]);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.quantities).toEqual({});
    expect(Object.keys(row?.quantitiesByDate ?? {})).toEqual(['2023-10-01', '2023-10-02']);
    expect(row?.quantitiesByDate?.['2023-10-01']).toEqual({
      iv: { ordered: qtyOf(10), softreserved: 0n, totalonhand: qtyOf(10), availabletoreserve: qtyOf(10) },
      fno: { physicalinvent: 0n, ordered: 0n, arrived: 0n, reservphysical: 0n, softreserved: 0n },
      pos: { inbound: 0n, outbound: 0n },
      '@iv': { '@allocated': 0n, '@available_to_allocate': qtyOf(10) },
    });
    const atp = Object.entries(row?.atpQuantities ?? {}).map(([date, q]) => [
      date,
      Number(q.iv?.totalonhand) / 1e6,
    ]);
    expect(atp).toHaveLength(30);
    expect(atp[0]).toEqual(['2023-09-26', 0]);
    expect(atp[4]).toEqual(['2023-09-30', 0]);
    expect(atp[5]).toEqual(['2023-10-01', 10]);
    expect(atp[6]).toEqual(['2023-10-02', 20]);
    expect(atp[29]).toEqual(['2023-10-25', 20]);
  });

  it('counts actual on-hand on every day and lets ATPFromDate … ATPToDate choose the days only', () => {
    const rows = aggregate(
      config,
      plan(request({ ATPFromDate: '2023-09-28', ATPToDate: 'Sat Sep 30 2023' })),
      [value(RED_SMALL, 'pos.inbound', 5)],
      CLAMP,
      [
        scheduled('2023-09-27', RED_SMALL, 'pos.outbound', 2),
        scheduled('2023-10-03', RED_SMALL, 'pos.outbound', 2),
      ],
    );
    const row = rows[0];
    expect(row?.quantities.iv?.totalonhand).toBe(qtyOf(5));
    expect(Object.keys(row?.quantitiesByDate ?? {})).toEqual([]);
    expect(row?.quantitiesByDate?.['2023-09-27']).toBeUndefined();
    expect(row?.atpQuantities).toEqual({
      '2023-09-28': { iv: { totalonhand: qtyOf(1) } },
      '2023-09-29': { iv: { totalonhand: qtyOf(1) } },
      '2023-09-30': { iv: { totalonhand: qtyOf(1) } },
    });
  });

  it('reports negative scheduled changes and negative ATP whatever returnNegative says', () => {
    const rows = aggregate(config, plan(request({ returnNegative: false })), [], CLAMP, [
      scheduled('2023-09-27', RED_SMALL, 'pos.outbound', 4),
    ]);
    expect(rows[0]?.quantitiesByDate?.['2023-09-27']?.iv?.totalonhand).toBe(qtyOf(-4));
    expect(rows[0]?.atpQuantities?.['2023-09-26']?.iv?.totalonhand).toBe(qtyOf(-4));
  });

  it('clips the days to the period and refuses a range outside it or backwards', () => {
    expect(plan(request({ ATPFromDate: '2023-01-01', ATPToDate: '2030-01-01' })).atp).toEqual({
      today: TODAY,
      from: TODAY,
      to: '2023-10-25',
    });
    expectFailure(
      () => plan(request({ ATPFromDate: '2023-10-26' })),
      'date_outside_schedule_period',
      '/ATPFromDate',
    );
    expectFailure(
      () => plan(request({ ATPToDate: '2023-09-25' })),
      'date_outside_schedule_period',
      '/ATPFromDate',
    );
    expectFailure(
      () => plan(request({ ATPFromDate: '2023-10-02', ATPToDate: '2023-10-01' })),
      'invalid_date_range',
      '/ATPFromDate',
    );
    expectFailure(() => plan(request({ ATPFromDate: 'soon' })), 'invalid_date', '/ATPFromDate');
  });

  it('groups by exactly one ATP index set in the 180-day model, and filters only its dimensions', () => {
    expectFailure(() => plan(request({ groupByValues: ['ColorId'] })), 'invalid_atp_query', '/groupByValues');
    expectFailure(
      () => plan(request({ groupByValues: ['ColorId', 'SizeId', 'StyleId'] })),
      'invalid_atp_query',
      '/groupByValues',
    );
    expect(plan(request({ groupByValues: ['sizeid', 'colorid', 'siteId'] })).atp).toBeDefined();
    expectFailure(
      () => plan(request({ filters: { ...request().filters, StyleId: ['x'] } })),
      'invalid_atp_query',
      '/filters',
    );
    expect(plan(request({ filters: { ...request().filters, ColorId: ['red'] } })).atp).toBeDefined();
  });

  it('applies the same rules to exact queries: their keys are filters', () => {
    const exact = (keys: string[], values: string[][]) => {
      const input = {
        filters: { organizationId: ['usmf'], productId: ['Bike'], dimensions: keys, values },
        groupByValues: ['ColorId', 'SizeId'],
        QueryATP: true,
      };
      return applyAtp(config, parseExactQuery(config, input, DEFAULT_QUERY_LIMITS, 1), input, TODAY);
    };
    expect(exact(['SiteId', 'LocationId'], [['1', '11']]).atp).toBeDefined();
    expectFailure(
      () => exact(['SiteId', 'LocationId', 'StyleId'], [['1', '11', 'x']]),
      'invalid_atp_query',
      '/filters',
    );
  });

  it('allows any group-by in the legacy 7-day model, each measure over its own period', () => {
    const legacy = atpConfig((c) => {
      c.scheduleConfiguration.isScheduleV2 = false;
      c.scheduleConfiguration.atpCalculatedMeasures = { iv: { totalonhand: 3 }, pos: { availquantity: 2 } };
    });
    const p = plan(request({ groupByValues: ['ColorId'] }), legacy);
    expect(p.atp).toEqual({ today: TODAY, from: TODAY, to: '2023-09-28' });
    const rows = aggregate(legacy, p, [value(RED_SMALL, 'pos.inbound', 1)], CLAMP, []);
    expect(rows[0]?.atpQuantities).toEqual({
      '2023-09-26': { iv: { totalonhand: qtyOf(1) }, pos: { availquantity: qtyOf(1) } },
      '2023-09-27': { iv: { totalonhand: qtyOf(1) }, pos: { availquantity: qtyOf(1) } },
      '2023-09-28': { iv: { totalonhand: qtyOf(1) } },
    });
  });

  it('counts a change dated before today as today’s (a commit that has not run yet)', () => {
    const rows = aggregate(config, plan(request()), [], CLAMP, [
      scheduled('2023-09-25', RED_SMALL, 'pos.inbound', 3),
    ]);
    expect(rows[0]?.atpQuantities?.['2023-09-26']?.iv?.totalonhand).toBe(qtyOf(3));
    expect(rows[0]?.quantitiesByDate).toEqual({});
  });

  it('needs schedules to be enabled, and ignores the date fields without QueryATP', () => {
    const off = atpConfig((c) => {
      c.scheduleConfiguration.isScheduleEnabled = false;
    });
    expectFailure(() => plan(request(), off), 'schedule_disabled', '/QueryATP');
    expect(plan(request({ QueryATP: false, ATPFromDate: 'not a date' })).atp).toBeUndefined();
  });
});
