import { describe, expect, it } from 'vitest';
import { compileConfiguration } from '../../src/domain/config/compile-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import { qtyOf } from '../../src/domain/quantity.js';
import { type ScheduleInput, toScheduleCommand } from '../../src/domain/schedule/schedule-command.js';
import { caught, expectFailure, runtimeWith } from './helpers.js';
import { atpConfig, atpRuntime } from './schedule-helpers.js';

const TODAY = '2023-09-08';
const config = atpConfig();

const bike = (quantitiesByDate: Record<string, Record<string, Record<string, unknown>>>): ScheduleInput => ({
  id: 'id-bike-0001',
  organizationId: 'usmf',
  productId: 'Bike',
  dimensions: { siteId: '1', locationId: '11', colorId: 'red', sizeId: 'small' },
  quantitiesByDate,
});

describe('a change schedule (spec §3.3)', () => {
  it('becomes dated signed deltas on physical measures, in date order', () => {
    const command = toScheduleCommand(
      config,
      bike({
        '2023-10-01': { pos: { inbound: 20 } },
        '2023-09-08': { iv: { ordered: 10 }, pos: { outbound: '-2.5' } },
      }),
      TODAY,
    );
    expect(command).toEqual({
      kind: 'schedule.change',
      eventId: 'id-bike-0001',
      organizationId: 'usmf',
      productId: 'Bike',
      dimensions: { colorid: 'red', locationid: '11', siteid: '1', sizeid: 'small' },
      partitionId: 'usmf~1~11',
      entries: [
        { date: '2023-09-08', dataSource: 'iv', measure: 'ordered', value: qtyOf(10) },
        { date: '2023-09-08', dataSource: 'pos', measure: 'outbound', value: qtyOf('-2.5') },
        { date: '2023-10-01', dataSource: 'pos', measure: 'inbound', value: qtyOf(20) },
      ],
    });
  });

  it('accepts the older quantityByDate and any date spelling the vendor’s clients use', () => {
    const { quantitiesByDate: _, ...rest } = bike({});
    const command = toScheduleCommand(
      config,
      {
        ...rest,
        quantityByDate: { 'Fri Sep 08 2023': { iv: { ordered: 1 } }, '2023/09/09': { iv: { ordered: 2 } } },
      },
      TODAY,
    );
    expect(command.entries.map((e) => [e.date, Number(e.value) / 1e6])).toEqual([
      ['2023-09-08', 1],
      ['2023-09-09', 2],
    ]);
  });

  it('accepts today and the last day of the period (today + 29 of 30), and nothing outside', () => {
    expect(
      toScheduleCommand(config, bike({ '2023-09-08': { iv: { ordered: 1 } } }), TODAY).entries,
    ).toHaveLength(1);
    expect(
      toScheduleCommand(config, bike({ '2023-10-07': { iv: { ordered: 1 } } }), TODAY).entries,
    ).toHaveLength(1);
    expectFailure(
      () => toScheduleCommand(config, bike({ '2023-10-08': { iv: { ordered: 1 } } }), TODAY, '/2'),
      'date_outside_schedule_period',
      '/2/quantitiesByDate/2023-10-08',
    );
    expectFailure(
      () => toScheduleCommand(config, bike({ '2023-09-07': { iv: { ordered: 1 } } }), TODAY),
      'date_outside_schedule_period',
      '/quantitiesByDate/2023-09-07',
    );
  });

  it('follows a configured period, up to 180 days', () => {
    const long = atpConfig((c) => {
      c.scheduleConfiguration.schedulePeriodInDays = 180;
    });
    expect(
      toScheduleCommand(long, bike({ '2024-03-05': { iv: { ordered: 1 } } }), TODAY).entries,
    ).toHaveLength(1);
    expectFailure(
      () => toScheduleCommand(long, bike({ '2024-03-06': { iv: { ordered: 1 } } }), TODAY),
      'date_outside_schedule_period',
      '/quantitiesByDate/2024-03-06',
    );
  });

  it.each([
    [
      'an unparseable date',
      { 'next week': { iv: { ordered: 1 } } },
      'invalid_date',
      '/quantitiesByDate/next week',
    ],
    [
      'a date that does not exist',
      { '2023-09-31': { iv: { ordered: 1 } } },
      'invalid_date',
      '/quantitiesByDate/2023-09-31',
    ],
    [
      'a slash date, escaped in the pointer',
      { '2023/13/01': { iv: { ordered: 1 } } },
      'invalid_date',
      '/quantitiesByDate/2023~113~101',
    ],
    [
      'one day written twice',
      { '2023-09-09': { iv: { ordered: 1 } }, '2023/09/09': { iv: { ordered: 1 } } },
      'duplicate_name',
      '/quantitiesByDate/2023~109~109',
    ],
    [
      'a measure no ATP measure uses',
      { '2023-09-09': { iom: { onorder: 1 } } },
      'measure_not_scheduled',
      '/quantitiesByDate/2023-09-09/iom/onorder',
    ],
    [
      'a calculated measure',
      { '2023-09-09': { iv: { totalonhand: 1 } } },
      'calculated_measure_not_writable',
      '/quantitiesByDate/2023-09-09/iv/totalonhand',
    ],
    [
      'a read-only source',
      { '2023-09-09': { fno: { ordered: 1 } } },
      'data_source_read_only',
      '/quantitiesByDate/2023-09-09/fno',
    ],
    [
      'an unknown measure',
      { '2023-09-09': { iv: { nothing: 1 } } },
      'unknown_measure',
      '/quantitiesByDate/2023-09-09/iv/nothing',
    ],
    [
      'a fractional quantity beyond millionths',
      { '2023-09-09': { iv: { ordered: 0.0000001 } } },
      'quantity_precision',
      '/quantitiesByDate/2023-09-09/iv/ordered',
    ],
    [
      'a quantity that is not a number',
      { '2023-09-09': { iv: { ordered: 'ten' } } },
      'invalid_quantity',
      '/quantitiesByDate/2023-09-09/iv/ordered',
    ],
    ['a date without quantities', { '2023-09-09': {} }, 'no_quantities', '/quantitiesByDate/2023-09-09'],
    ['no dates at all', {}, 'no_quantities', '/quantitiesByDate'],
  ])('refuses %s', (_case, byDate, code, path) => {
    expectFailure(() => toScheduleCommand(config, bike(byDate), TODAY), code as never, path);
  });

  it('needs quantitiesByDate, and not both spellings', () => {
    const { quantitiesByDate: _, ...rest } = bike({});
    expectFailure(() => toScheduleCommand(config, rest, TODAY), 'missing_field', '/quantitiesByDate');
    const both = { ...rest, quantitiesByDate: { '2023-09-09': { iv: { ordered: 1 } } }, quantityByDate: {} };
    expectFailure(() => toScheduleCommand(config, both, TODAY), 'invalid_request', '/quantityByDate');
  });

  it('needs schedules to be enabled', () => {
    const off = atpConfig((c) => {
      c.scheduleConfiguration.isScheduleEnabled = false;
    });
    expectFailure(
      () => toScheduleCommand(off, bike({ '2023-09-09': { iv: { ordered: 1 } } }), TODAY),
      'schedule_disabled',
      '',
    );
  });

  it('needs the partition dimensions like any write', () => {
    const input = { ...bike({ '2023-09-09': { iv: { ordered: 1 } } }), dimensions: { colorId: 'red' } };
    expect(caught(() => toScheduleCommand(config, input, TODAY)).code).toBe('missing_partition_dimension');
  });
});

describe('the schedule configuration (spec §1.11)', () => {
  it('compiles the period, the ATP measures and the measures they let a schedule name', () => {
    expect(config.schedule).toMatchObject({ enabled: true, v2: true, periodDays: 30, commitOnDate: false });
    expect([...config.schedule.scheduledMeasures].sort()).toEqual([
      'fno.arrived',
      'fno.ordered',
      'fno.physicalinvent',
      'iv.ordered',
      'pos.inbound',
      'pos.outbound',
    ]);
  });

  it('reads each measure’s own period of 1 … 7 days in the legacy 7-day model', () => {
    const legacy = atpConfig((c) => {
      c.scheduleConfiguration.isScheduleV2 = false;
      c.scheduleConfiguration.atpCalculatedMeasures = { iv: { totalonhand: 5 }, pos: { availquantity: 3 } };
    });
    expect(legacy.schedule.periodDays).toBe(5);
    expect(legacy.schedule.atpMeasures.map((m) => [m.measure.name, m.periodDays])).toEqual([
      ['totalonhand', 5],
      ['availquantity', 3],
    ]);
  });

  const refused = (edit: (c: RuntimeConfiguration) => void) =>
    caught(() => compileConfiguration(runtimeWith(atpRuntime(edit)))).details.map((d) => [d.code, d.path]);

  it('refuses a period outside 1 … 180 days', () => {
    for (const days of [0, 181]) {
      expect(refused((c) => (c.scheduleConfiguration.schedulePeriodInDays = days))).toEqual([
        ['invalid_schedule_period', '/scheduleConfiguration/schedulePeriodInDays'],
      ]);
    }
  });

  it('refuses a legacy period outside 1 … 7 days', () => {
    expect(
      refused((c) => {
        c.scheduleConfiguration.isScheduleV2 = false;
        c.scheduleConfiguration.atpCalculatedMeasures = { iv: { totalonhand: 8 } };
      }),
    ).toEqual([['invalid_schedule_period', '/scheduleConfiguration/atpCalculatedMeasures/iv/totalonhand']]);
  });

  it('refuses ATP measures that use nine distinct physical measures; eight are allowed', () => {
    const measures = [
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
    const edit = (count: number) => (c: RuntimeConfiguration) => {
      const pos = c.inventorySystemConfigurations.pos;
      if (pos)
        pos.calculatedMeasures.atp = {
          additionModifiers: measures.slice(0, count).map((m) => `fno.${m}`),
          subtractionModifiers: [],
        };
      c.scheduleConfiguration.atpCalculatedMeasures = { pos: { atp: 30 } };
    };
    expect(() => compileConfiguration(runtimeWith(atpRuntime(edit(8))))).not.toThrow();
    expect(refused(edit(9))).toEqual([
      ['too_many_atp_measures', '/scheduleConfiguration/atpCalculatedMeasures'],
    ]);
  });

  it('refuses an ATP measure that is not a calculated measure', () => {
    expect(refused((c) => (c.scheduleConfiguration.atpCalculatedMeasures = { iv: { ordered: 30 } }))).toEqual(
      [['unknown_measure_reference', '/scheduleConfiguration/atpCalculatedMeasures/iv/ordered']],
    );
  });
});
