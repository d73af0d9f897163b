import type { ErrorCode } from '../codes.js';
import { EMPTY_DIMENSION, LOCATION, SITE, toBaseDimension } from '../dimensions.js';
import type { CompiledConfiguration, IndexSet, PartitionRule } from './compiled-configuration.js';
import type { IndexAttributeSet, RuntimeConfiguration } from './runtime-configuration.js';

type Report = (code: ErrorCode, path: string, message: string) => void;

/** Partition keys must be base dimensions; partitioning by location needs siteid and locationid. */
export function checkPartitionKeys(keys: readonly string[], rule: PartitionRule, report: Report): void {
  const path = '/indexConfiguration/partitionKeyAttributes/keys';
  for (const [i, key] of keys.entries()) {
    if (!toBaseDimension(key))
      report('invalid_index_set', `${path}/${i}`, `"${key}" is not a base dimension.`);
  }
  if (rule === 'byLocation' && !(keys.includes(SITE) && keys.includes(LOCATION))) {
    report(
      'missing_partition_keys',
      path,
      'Partitioning by location needs the partition keys ["siteid", "locationid"].',
    );
  }
}

/**
 * Compiles index sets: set numbers are unique; keys are base dimensions, neither partition keys nor
 * repeated. The "empty" placeholder key (a set without dimensions) is skipped.
 */
export function compileIndexSets(
  sets: readonly IndexAttributeSet[],
  partitionKeys: readonly string[],
  path: string,
  report: Report,
): IndexSet[] {
  const numbers = new Set<number>();
  return sets.map((set, i) => {
    if (numbers.has(set.setNumber))
      report('invalid_index_set', `${path}/${i}/setNumber`, `Set number ${set.setNumber} is used twice.`);
    numbers.add(set.setNumber);
    const keys: string[] = [];
    for (const [k, key] of set.keys.entries()) {
      const keyPath = `${path}/${i}/keys/${k}`;
      if (key === EMPTY_DIMENSION) continue;
      const base = toBaseDimension(key);
      if (!base) {
        report('invalid_index_set', keyPath, `"${key}" is not a base dimension.`);
        continue;
      }
      if (partitionKeys.includes(base)) {
        report(
          'invalid_index_set',
          keyPath,
          `Partition dimension "${base}" must not be repeated in an index set.`,
        );
        continue;
      }
      if (keys.includes(base)) {
        report('invalid_index_set', keyPath, `"${base}" appears twice in the set.`);
        continue;
      }
      keys.push(base);
    }
    return { setNumber: set.setNumber, keys };
  });
}

/** Compiles the reservation hierarchy; when enabled and partitioned by location it needs siteid and locationid. */
export function compileReservation(
  runtime: RuntimeConfiguration,
  rule: PartitionRule,
  report: Report,
): CompiledConfiguration['reservation'] {
  const conf = runtime.reservConfiguration;
  const path = '/reservConfiguration/keys';
  const keys: string[] = [];
  for (const [i, key] of conf.keys.entries()) {
    const base = toBaseDimension(key);
    if (!base) report('invalid_index_set', `${path}/${i}`, `"${key}" is not a base dimension.`);
    else if (keys.includes(base)) report('duplicate_name', `${path}/${i}`, `"${base}" appears twice.`);
    else keys.push(base);
  }
  const enabled = conf.isReservEnabled && conf.isEnabled;
  if (enabled && rule === 'byLocation' && !(keys.includes(SITE) && keys.includes(LOCATION))) {
    report('missing_partition_keys', path, 'The reservation hierarchy must contain siteid and locationid.');
  }
  return { enabled, version: conf.version, keys };
}
