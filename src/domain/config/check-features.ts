import { ALLOCATION_SOURCE } from '../allocation/allocation-groups.js';
import type { ErrorCode } from '../codes.js';
import { OCI_SOURCE } from '../oci/group-locks.js';
import type { DataSourceConfig } from './compiled-configuration.js';
import { parseMeasureRef } from './parse-measure-ref.js';
import type { RuntimeConfiguration } from './runtime-configuration.js';

/** Most allocation groups (levels g0 … g7). */
export const MAX_ALLOCATION_GROUPS = 8;

type Report = (code: ErrorCode, path: string, message: string) => void;

/** Checks allocation groups, their contiguous levels g0 … g7 and the available-to-allocate formula. */
export function checkAllocation(
  runtime: RuntimeConfiguration,
  sources: Map<string, DataSourceConfig>,
  report: Report,
): void {
  const conf = runtime.allocationConfiguration;
  const path = '/allocationConfiguration';
  if (sources.has(ALLOCATION_SOURCE)) {
    report(
      'invalid_configuration',
      `/inventorySystemConfigurations/${ALLOCATION_SOURCE}`,
      `"${ALLOCATION_SOURCE}" is reserved: Onhand keeps the state of allocation groups under it.`,
    );
  }
  if (sources.has(OCI_SOURCE)) {
    report(
      'invalid_configuration',
      `/inventorySystemConfigurations/${OCI_SOURCE}`,
      `"${OCI_SOURCE}" is reserved: Onhand keeps the group promises of OCI reservations under it.`,
    );
  }
  if (conf.groups.length > MAX_ALLOCATION_GROUPS) {
    report(
      'invalid_allocation_groups',
      `${path}/groups`,
      `At most ${MAX_ALLOCATION_GROUPS} allocation groups are allowed.`,
    );
  }
  const lower = new Set<string>();
  conf.groups.forEach((group, i) => {
    if (lower.has(group.toLowerCase()))
      report('duplicate_name', `${path}/groups/${i}`, `Group "${group}" appears twice.`);
    lower.add(group.toLowerCase());
  });
  const levels = new Set<string>();
  for (const [group, level] of Object.entries(conf.groupsOrder)) {
    const levelPath = `${path}/groupsOrder/${group}`;
    if (!conf.groups.includes(group))
      report('invalid_allocation_groups', levelPath, `"${group}" is not in groups.`);
    if (!/^g[0-7]$/.test(level))
      report('invalid_allocation_groups', levelPath, `Level "${level}" must be g0 … g7.`);
    if (levels.has(level)) report('invalid_allocation_groups', levelPath, `Level "${level}" is used twice.`);
    levels.add(level);
  }
  for (let i = 0; i < levels.size; i++) {
    if (!levels.has(`g${i}`)) {
      report('invalid_allocation_groups', `${path}/groupsOrder`, 'Group levels must be contiguous from g0.');
      break;
    }
  }
  for (const [refText, sign] of Object.entries(conf.availableToAllocateCalculation)) {
    const refPath = `${path}/availableToAllocateCalculation/${refText}`;
    const ref = parseMeasureRef(refText);
    if (!ref || !sources.get(ref.dataSource)?.physicalMeasures.has(ref.measure)) {
      report('unknown_measure_reference', refPath, `"${refText}" is not a physical measure.`);
    }
    if (sign !== 'addition' && sign !== 'subtraction') {
      report('invalid_configuration', refPath, 'Each entry must be "addition" or "subtraction".');
    }
  }
}
