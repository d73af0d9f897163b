import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { addDays, parseScheduleDate, type ScheduleDate } from '../schedule/schedule-date.js';
import { ORG } from './query-checks.js';
import type { QueryPlan } from './query-plan.js';

/** The ATP fields of an index or exact query body, or of GET parameters (spec §3.6). */
export interface AtpRequest {
  readonly QueryATP?: boolean;
  readonly ATPFromDate?: string;
  readonly ATPToDate?: string;
}

/**
 * Turns a query plan into an ATP query when QueryATP is true (spec §3.6); returns it unchanged
 * otherwise (the date fields alone are ignored). Checks, with `today` the current UTC date:
 * - schedules are enabled (schedule_disabled);
 * - in the 180-day model, the group-by (partition dimensions aside) is exactly one ATP index set, and
 *   filters and exact-query keys name only partition dimensions and dimensions of that set
 *   (invalid_atp_query);
 * - ATPFromDate and ATPToDate parse (invalid_date) and from ≤ to (invalid_date_range). They default to
 *   today and the last day of the schedule period; days outside the period are left out, and a range
 *   entirely outside it fails (date_outside_schedule_period).
 */
export function applyAtp(
  config: CompiledConfiguration,
  plan: QueryPlan,
  request: AtpRequest,
  today: ScheduleDate,
): QueryPlan {
  if (request.QueryATP !== true) return plan;
  const schedule = config.schedule;
  if (!schedule.enabled) {
    fail(
      'schedule_disabled',
      '/QueryATP',
      'Available to promise is not enabled (scheduleConfiguration.isScheduleEnabled).',
    );
  }
  if (schedule.v2) checkIndexSet(config, plan);
  const last = addDays(today, schedule.periodDays - 1);
  const from =
    request.ATPFromDate === undefined ? today : parseScheduleDate(request.ATPFromDate, '/ATPFromDate');
  const to = request.ATPToDate === undefined ? last : parseScheduleDate(request.ATPToDate, '/ATPToDate');
  if (to < today || from > last) {
    fail(
      'date_outside_schedule_period',
      '/ATPFromDate',
      `${from} … ${to} lies outside the schedule period ${today} … ${last} (UTC).`,
    );
  }
  if (from > to)
    fail('invalid_date_range', '/ATPFromDate', `ATPFromDate ${from} lies after ATPToDate ${to}.`);
  return { ...plan, atp: { today, from: from < today ? today : from, to: to > last ? last : to } };
}

function checkIndexSet(config: CompiledConfiguration, plan: QueryPlan): void {
  const partition = new Set(config.partitionKeys);
  const own = new Set(plan.groupBy.filter((d) => !partition.has(d)));
  const set = config.schedule.indexSets.find(
    (candidate) => candidate.keys.length === own.size && candidate.keys.every((d) => own.has(d)),
  );
  const sets = config.schedule.indexSets.map((s) => `[${s.keys.join(', ')}]`).join(' or ');
  if (!set) {
    fail(
      'invalid_atp_query',
      '/groupByValues',
      `An ATP query groups by exactly one ATP index set: ${sets || 'none is configured'}.`,
    );
  }
  const allowed = new Set([...partition, ...set.keys, ORG]);
  const named = [...plan.filters.keys(), ...(plan.tuples?.keys ?? [])];
  const extra = named.find((d) => !allowed.has(d));
  if (extra !== undefined) {
    fail(
      'invalid_atp_query',
      '/filters',
      `An ATP query filters only partition dimensions and dimensions of the index set [${set.keys.join(', ')}]; "${extra}" is neither.`,
    );
  }
}
