import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import type { Dimensions } from '../dimensions.js';
import { measureValues, type OnHandInput, resolveTarget } from '../onhand-command.js';
import type { Qty } from '../quantity.js';
import { addDays, daysBetween, parseScheduleDate, type ScheduleDate } from './schedule-date.js';

/** A change schedule as it arrives (spec §3.3), after schema validation. */
export interface ScheduleInput {
  readonly id: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensionDataSource?: string | null;
  readonly dimensions?: Readonly<Record<string, string>>;
  /** date → data source → measure → signed quantity; `quantityByDate` is the older spelling. */
  readonly quantitiesByDate?: Readonly<Record<string, OnHandInput['quantities']>>;
  readonly quantityByDate?: Readonly<Record<string, OnHandInput['quantities']>>;
}

/** One scheduled delta: `value` added to `dataSource.measure` on `date`. */
export interface ScheduleEntry {
  readonly date: ScheduleDate;
  readonly dataSource: string;
  readonly measure: string;
  readonly value: Qty;
}

/** A validated change schedule in canonical form. */
export interface ScheduleCommand {
  readonly kind: 'schedule.change';
  readonly eventId: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Dimensions;
  readonly partitionId: string;
  /** In date order, then in the order given. */
  readonly entries: readonly ScheduleEntry[];
}

/**
 * Validates a change schedule against the configuration on `today` (UTC): schedules must be enabled;
 * every date must parse (parseScheduleDate) and lie in the schedule period, today … today +
 * periodDays − 1 (spec §3.2); every measure must be a writable physical measure (the rules of on-hand
 * change events) that an ATP calculated measure uses. Quantities are signed deltas: a negative one
 * reverses an earlier schedule. Throws OnhandError with the path of the bad field; nothing is applied.
 */
export function toScheduleCommand(
  config: CompiledConfiguration,
  input: ScheduleInput,
  today: ScheduleDate,
  path = '',
): ScheduleCommand {
  const schedule = config.schedule;
  if (!schedule.enabled) {
    fail(
      'schedule_disabled',
      path,
      'On-hand change schedules are not enabled (scheduleConfiguration.isScheduleEnabled).',
    );
  }
  const target = resolveTarget(config, input, path);
  const [field, byDate] = datedQuantities(input, path);
  const last = schedule.periodDays - 1;
  const entries: ScheduleEntry[] = [];
  const dates = new Set<ScheduleDate>();
  for (const [rawDate, quantities] of Object.entries(byDate)) {
    const datePath = `${path}/${field}/${pointerPart(rawDate)}`;
    const date = parseScheduleDate(rawDate, datePath);
    if (dates.has(date)) fail('duplicate_name', datePath, `The date ${date} is given twice.`);
    dates.add(date);
    const offset = daysBetween(today, date);
    if (offset < 0 || offset > last) {
      fail(
        'date_outside_schedule_period',
        datePath,
        `${date} is outside the schedule period ${today} … ${addDays(today, last)} (UTC).`,
      );
    }
    for (const value of measureValues(config, quantities, datePath)) {
      if (!schedule.scheduledMeasures.has(`${value.dataSource}.${value.measure}`)) {
        fail(
          'measure_not_scheduled',
          `${datePath}/${value.dataSource}/${value.measure}`,
          `"${value.dataSource}.${value.measure}" is not used by any ATP calculated measure (scheduleConfiguration.atpCalculatedMeasures).`,
        );
      }
      entries.push({ date, ...value });
    }
  }
  if (entries.length === 0)
    fail('no_quantities', `${path}/${field}`, 'Give at least one date with quantities.');
  entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { kind: 'schedule.change', ...target, entries };
}

function datedQuantities(
  input: ScheduleInput,
  path: string,
): [string, Readonly<Record<string, OnHandInput['quantities']>>] {
  if (input.quantitiesByDate && input.quantityByDate) {
    fail('invalid_request', `${path}/quantityByDate`, 'Give quantitiesByDate or quantityByDate, not both.');
  }
  if (input.quantitiesByDate) return ['quantitiesByDate', input.quantitiesByDate];
  if (input.quantityByDate) return ['quantityByDate', input.quantityByDate];
  return fail('missing_field', `${path}/quantitiesByDate`, 'This field is required.');
}

/** A JSON-pointer reference token (RFC 6901): "2022/02/04" → "2022~102~104". */
function pointerPart(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
