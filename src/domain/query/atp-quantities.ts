import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import type { Qty } from '../quantity.js';
import { atpSeries } from '../schedule/atp.js';
import { addDays, daysBetween, type ScheduleDate } from '../schedule/schedule-date.js';
import { evaluateCalculated, finishQuantities } from './measures.js';
import type { AtpWindow, Quantities } from './query-plan.js';

/** Summed physical values keyed "dataSource.measure". */
export type Sums = ReadonlyMap<string, Qty>;

/** The ATP part of one result row (spec §3.6). */
export interface AtpQuantities {
  readonly quantitiesByDate: Record<ScheduleDate, Quantities>;
  readonly atpQuantities: Record<ScheduleDate, Quantities>;
}

/** The days of an ATP query, worked out once per query rather than once per row. */
export interface AtpCalendar {
  readonly window: AtpWindow;
  /** The returned days, `from` … `to`. */
  readonly days: readonly ScheduleDate[];
  /** Position of each returned day in the period (0 = today). */
  readonly firstDay: number;
  /** Position in the period of every day from today to the end of the longest ATP period. */
  readonly offsets: ReadonlyMap<ScheduleDate, number>;
}

/** The calendar of an ATP query (see AtpCalendar). */
export function atpCalendar(config: CompiledConfiguration, window: AtpWindow): AtpCalendar {
  const days: ScheduleDate[] = [];
  const count = daysBetween(window.from, window.to) + 1;
  for (let i = 0; i < count; i++) days.push(addDays(window.from, i));
  const offsets = new Map<ScheduleDate, number>();
  const longest = Math.max(
    config.schedule.periodDays,
    ...config.schedule.atpMeasures.map((m) => m.periodDays),
  );
  for (let i = 0; i < longest; i++) offsets.set(addDays(window.today, i), i);
  return { window, days, firstDay: daysBetween(window.today, window.from), offsets };
}

/**
 * Builds a row's quantitiesByDate and atpQuantities from its actual sums and its scheduled sums by
 * date. quantitiesByDate holds the returned days that have scheduled changes, with the measures a
 * query row would show for those changes (finishQuantities, never clamped: scheduled demand is
 * negative by nature). atpQuantities holds every returned day: each ATP measure whose period covers
 * the day, calculated over its whole period from `window.today` (atpSeries), so `from` and `to` only
 * choose days. Scheduled values dated before today (only present while the start-of-day commit of
 * commitScheduledChanges has not run yet) count as changes of today.
 */
export function atpQuantities(
  config: CompiledConfiguration,
  calendar: AtpCalendar,
  actual: Sums,
  byDate: ReadonlyMap<ScheduleDate, Sums>,
): AtpQuantities {
  const { window } = calendar;
  const quantitiesByDate: Record<ScheduleDate, Quantities> = {};
  for (const date of [...byDate.keys()].sort()) {
    if (date < window.from || date > window.to) continue;
    const sums = byDate.get(date);
    if (sums) quantitiesByDate[date] = finishQuantities(config, sums, true, 'clamp') ?? {};
  }
  const atp: Record<ScheduleDate, Record<string, Record<string, Qty>>> = {};
  for (const date of calendar.days) atp[date] = {};
  for (const { measure, periodDays } of config.schedule.atpMeasures) {
    const deltas = new Array<Qty>(periodDays).fill(0n);
    for (const [date, sums] of byDate) {
      const day = date < window.today ? 0 : (calendar.offsets.get(date) ?? periodDays);
      if (day < periodDays) deltas[day] = (deltas[day] ?? 0n) + evaluateCalculated(measure, sums);
    }
    const series = atpSeries(evaluateCalculated(measure, actual), deltas);
    calendar.days.forEach((date, i) => {
      const value = series[calendar.firstDay + i];
      const bag = atp[date];
      if (value === undefined || !bag) return;
      const forSource = bag[measure.dataSource] ?? {};
      forSource[measure.name] = value;
      bag[measure.dataSource] = forSource;
    });
  }
  return { quantitiesByDate, atpQuantities: atp };
}
