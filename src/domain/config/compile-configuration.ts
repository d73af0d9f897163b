import { detail, type ErrorCode, type ErrorDetail, OnhandError } from '../codes.js';
import { checkAllocation } from './check-features.js';
import { checkFeed } from './check-feed.js';
import { checkGuarantees } from './check-guarantees.js';
import { compileDataSources } from './compile-data-sources.js';
import { checkPartitionKeys, compileIndexSets, compileReservation } from './compile-index-sets.js';
import { compileSchedule } from './compile-schedule.js';
import type { CompiledConfiguration } from './compiled-configuration.js';
import { normalizeConfiguration } from './normalize-configuration.js';
import { onHandWithoutLocation, partitionRuleOf } from './partition-schema.js';
import type { RuntimeConfiguration } from './runtime-configuration.js';

export { MAX_ALLOCATION_GROUPS } from './check-features.js';
export { MAX_ATP_PHYSICAL_MEASURES, MAX_SCHEDULE_PERIOD_DAYS } from './compile-schedule.js';
export { parseMeasureRef } from './parse-measure-ref.js';
export { partitionRuleOf } from './partition-schema.js';

/** How compileConfiguration treats its input. */
export interface CompileOptions {
  /**
   * True for a configuration read back from the store: it was accepted when it was saved, so the rules
   * added since (checkGuarantees) are not applied to it, and an environment saved by an older version
   * keeps working. Every configuration being installed is compiled without it.
   */
  readonly stored?: boolean;
}

/**
 * Normalises (lower-cases names) and validates a runtime configuration, returning the compiled form.
 * Throws OnhandError('invalid_configuration') listing every problem found, each with its own code and
 * a JSON pointer to the offending field.
 */
export function compileConfiguration(
  input: RuntimeConfiguration,
  options: CompileOptions = {},
): CompiledConfiguration {
  const problems: ErrorDetail[] = [];
  const report = (code: ErrorCode, path: string, message: string) =>
    problems.push(detail(code, path, message));
  const runtime = normalizeConfiguration(input, report);

  const partitionRule = partitionRuleOf(runtime);
  const partitionKeys = runtime.indexConfiguration.partitionKeyAttributes.keys;
  checkPartitionKeys(partitionKeys, partitionRule, report);

  const dataSources = compileDataSources(runtime, report);
  const indexSets = compileIndexSets(
    runtime.indexConfiguration.indexAttributeSets,
    partitionKeys,
    '/indexConfiguration/indexAttributeSets',
    report,
  );
  const reservation = compileReservation(runtime, partitionRule, report);
  const schedule = compileSchedule(runtime, dataSources, partitionKeys, report);
  checkAllocation(runtime, dataSources, report);
  checkFeed(runtime, dataSources, report);
  if (!options.stored) checkGuarantees(partitionKeys, dataSources, report);

  if (problems.length > 0) {
    const first = problems[0]!;
    const summary =
      problems.length === 1 ? first.message : `${first.message} (and ${problems.length - 1} more)`;
    throw new OnhandError('invalid_configuration', `Invalid configuration: ${summary}`, problems);
  }
  return {
    environmentId: runtime.environmentId,
    version: runtime.configurationVersion,
    partitionRule,
    onHandWithoutLocation: onHandWithoutLocation(runtime, partitionRule),
    partitionKeys,
    indexSets,
    dataSources,
    reservation,
    schedule,
    runtime,
  };
}
