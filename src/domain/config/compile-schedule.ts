import type { ErrorCode } from '../codes.js';
import { compileIndexSets } from './compile-index-sets.js';
import type { CalculatedMeasure, DataSourceConfig, IndexSet } from './compiled-configuration.js';
import type { RuntimeConfiguration } from './runtime-configuration.js';

/** Most distinct physical measures that ATP calculated measures may use together (spec §1.11: < 9). */
export const MAX_ATP_PHYSICAL_MEASURES = 8;
/** Longest schedulePeriodInDays accepted (180-day model). */
export const MAX_SCHEDULE_PERIOD_DAYS = 180;
/** Longest period of an ATP measure in the legacy 7-day model. */
export const MAX_LEGACY_PERIOD_DAYS = 7;

type Report = (code: ErrorCode, path: string, message: string) => void;

/** An ATP calculated measure and the number of days (from today) its ATP covers. */
export interface AtpMeasure {
  readonly measure: CalculatedMeasure;
  readonly periodDays: number;
}

/** On-hand change schedules and ATP (spec §1.11, §3), ready for the engine. */
export interface ScheduleSettings {
  /** isScheduleEnabled: change schedules can be posted and ATP queried. */
  readonly enabled: boolean;
  /** The 180-day model (isScheduleV2): one period for every measure, index-set rules on queries. */
  readonly v2: boolean;
  /** Days a schedule may reach, today included: today … today + periodDays − 1. */
  readonly periodDays: number;
  readonly indexSets: readonly IndexSet[];
  readonly atpMeasures: readonly AtpMeasure[];
  /** `dataSource.measure` of every physical measure the ATP measures use: the ones that can be scheduled. */
  readonly scheduledMeasures: ReadonlySet<string>;
  /**
   * Onhand extension (commitScheduledChanges): a scheduled change becomes actual on-hand at the start
   * of its date. Off (the vendor's rule, spec §3.4): clients post the actual change themselves and
   * schedules dated before today lapse.
   */
  readonly commitOnDate: boolean;
}

/**
 * Checks and compiles the schedule configuration (spec §1.11): the period (1 … 180 days in the
 * 180-day model; 1 … 7 days per measure in the legacy model, given as the value of each ATP measure),
 * the ATP index sets, the ATP measures (calculated measures) and the limit of eight distinct physical
 * measures across them.
 */
export function compileSchedule(
  runtime: RuntimeConfiguration,
  sources: ReadonlyMap<string, DataSourceConfig>,
  partitionKeys: readonly string[],
  report: Report,
): ScheduleSettings {
  const conf = runtime.scheduleConfiguration;
  const path = '/scheduleConfiguration';
  const v2 = conf.isScheduleV2;
  if (v2 && (conf.schedulePeriodInDays < 1 || conf.schedulePeriodInDays > MAX_SCHEDULE_PERIOD_DAYS)) {
    report(
      'invalid_schedule_period',
      `${path}/schedulePeriodInDays`,
      `schedulePeriodInDays must be between 1 and ${MAX_SCHEDULE_PERIOD_DAYS}.`,
    );
  }
  const indexSets = compileIndexSets(
    conf.indexAttributeSets,
    partitionKeys,
    `${path}/indexAttributeSets`,
    report,
  );
  const atpMeasures: AtpMeasure[] = [];
  const scheduled = new Set<string>();
  for (const [ds, measures] of Object.entries(conf.atpCalculatedMeasures)) {
    for (const [name, days] of Object.entries(measures)) {
      const measurePath = `${path}/atpCalculatedMeasures/${ds}/${name}`;
      const calc = sources.get(ds)?.calculatedMeasures.get(name);
      if (!calc) {
        report('unknown_measure_reference', measurePath, `"${ds}.${name}" is not a calculated measure.`);
        continue;
      }
      if (!v2 && (!Number.isInteger(days) || days < 1 || days > MAX_LEGACY_PERIOD_DAYS)) {
        report(
          'invalid_schedule_period',
          measurePath,
          `In the 7-day model the period of an ATP measure must be between 1 and ${MAX_LEGACY_PERIOD_DAYS} days.`,
        );
      }
      atpMeasures.push({ measure: calc, periodDays: v2 ? conf.schedulePeriodInDays : days });
      for (const ref of [...calc.additions, ...calc.subtractions])
        scheduled.add(`${ref.dataSource}.${ref.measure}`);
    }
  }
  if (scheduled.size > MAX_ATP_PHYSICAL_MEASURES) {
    report(
      'too_many_atp_measures',
      `${path}/atpCalculatedMeasures`,
      `ATP measures use ${scheduled.size} distinct physical measures; at most ${MAX_ATP_PHYSICAL_MEASURES} are allowed.`,
    );
  }
  const periodDays = v2 ? conf.schedulePeriodInDays : Math.max(1, ...atpMeasures.map((m) => m.periodDays));
  return {
    enabled: conf.isScheduleEnabled,
    v2,
    periodDays,
    indexSets,
    atpMeasures,
    scheduledMeasures: scheduled,
    commitOnDate: conf.commitScheduledChanges === true,
  };
}
