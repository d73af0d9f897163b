import { detail, type ErrorCode, type ErrorDetail, OnhandError } from '../codes.js';
import { checkAllocation } from './check-features.js';
import { checkFeed } from './check-feed.js';
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

/**
 * Normalises (lower-cases names) and validates a runtime configuration, returning the compiled form.
 * Throws OnhandError('invalid_configuration') listing every problem found, each with its own code and
 * a JSON pointer to the offending field.
 */
export function compileConfiguration(input: RuntimeConfiguration): CompiledConfiguration {
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
