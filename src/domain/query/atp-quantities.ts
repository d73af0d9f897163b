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
  window: AtpWindow,
  actual: Sums,
  byDate: ReadonlyMap<ScheduleDate, Sums>,
): AtpQuantities {
  const quantitiesByDate: Record<ScheduleDate, Quantities> = {};
  for (const date of [...byDate.keys()].sort()) {
    if (date < window.from || date > window.to) continue;
    const sums = byDate.get(date);
    if (sums) quantitiesByDate[date] = finishQuantities(config, sums, true, 'clamp') ?? {};
  }
  const days = daysBetween(window.from, window.to) + 1;
  const atp: Record<ScheduleDate, Record<string, Record<string, Qty>>> = {};
  for (const { measure, periodDays } of config.schedule.atpMeasures) {
    const deltas = new Array<Qty>(periodDays).fill(0n);
    for (const [date, sums] of byDate) {
      const day = Math.max(0, daysBetween(window.today, date));
      if (day < periodDays) deltas[day] = (deltas[day] ?? 0n) + evaluateCalculated(measure, sums);
    }
    const series = atpSeries(evaluateCalculated(measure, actual), deltas);
    const first = daysBetween(window.today, window.from);
    for (let i = 0; i < days; i++) {
      const value = series[first + i];
      if (value === undefined) continue;
      const date = addDays(window.from, i);
      const bag = atp[date] ?? {};
      bag[measure.dataSource] = { ...bag[measure.dataSource], [measure.name]: value };
      atp[date] = bag;
    }
  }
  const atpByDay: Record<ScheduleDate, Quantities> = {};
  for (let i = 0; i < days; i++) {
    const date = addDays(window.from, i);
    atpByDay[date] = atp[date] ?? {};
  }
  return { quantitiesByDate, atpQuantities: atpByDay };
}
