import type { ErrorCode } from '../codes.js';
import { LOCATION, SITE, toBaseDimension } from '../dimensions.js';
import type { DataSourceConfig } from './compiled-configuration.js';

type Report = (code: ErrorCode, path: string, message: string) => void;

/**
 * Rules a configuration must meet to be installed (hard update, a new environment, an import), so that
 * the availability checks of reservations and allocations mean what they promise (design.md rule 1):
 *
 * - The partition keys are `siteid` and `locationid` only (spec §1.8: the partition configuration is
 *   fixed, "don't customise it"). Data is partitioned by site and location whatever the keys say, so a
 *   further key (`colorid`) would only pretend to be a partition.
 * - A reservation mapping's available-for-reservation measure subtracts the reserved measure; otherwise
 *   reserving would not lower what is left to reserve, and the check would let every request through.
 *
 * A configuration saved before these rules existed still loads (compileConfiguration's `stored`
 * option); its checks stay correct, and its next hard update must meet the rules.
 */
export function checkGuarantees(
  partitionKeys: readonly string[],
  sources: ReadonlyMap<string, DataSourceConfig>,
  report: Report,
): void {
  for (const [i, key] of partitionKeys.entries()) {
    const base = toBaseDimension(key);
    if (base && base !== SITE && base !== LOCATION) {
      report(
        'unsupported_partition_key',
        `/indexConfiguration/partitionKeyAttributes/keys/${i}`,
        `"${base}" cannot be a partition key: data is partitioned by site and location only. Put it in an index set instead.`,
      );
    }
  }
  for (const [name, source] of sources) {
    for (const [measure, afr] of source.reservMappings) {
      const formula = sources.get(afr.dataSource)?.calculatedMeasures.get(afr.measure);
      if (!formula) continue;
      if (!formula.subtractions.some((m) => m.dataSource === name && m.measure === measure)) {
        report(
          'reserved_measure_not_subtracted',
          `/inventorySystemConfigurations/${name}/reservMappings/${measure}`,
          `${afr.dataSource}.${afr.measure} must subtract ${name}.${measure}: otherwise reserving does not lower what is left to reserve.`,
        );
      }
    }
  }
}
