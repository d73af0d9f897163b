import { fail } from '../codes.js';
import type {
  CalculatedMeasure,
  CompiledConfiguration,
  MeasureRef,
} from '../config/compiled-configuration.js';
import { parseMeasureRef } from '../config/parse-measure-ref.js';
import { ALLOCATED, IV_SYSTEM_SOURCE } from './allocation-groups.js';

/**
 * The virtual common pool of spec §4.1 as a formula: `allocationConfiguration.availableToAllocateCalculation`
 * (what the runtime configuration exposes), which is what allocate checks. Throws allocation_disabled
 * when allocation is off, or when the formula does not subtract `@iv.@allocated` (then every
 * allocation would leave the pool unchanged and nothing would stop over-allocation).
 */
export function allocationFormula(config: CompiledConfiguration, path: string): CalculatedMeasure {
  const conf = config.runtime.allocationConfiguration;
  if (!conf.isEnabled) fail('allocation_disabled', path, 'Allocation is not enabled in this environment.');
  if (!config.dataSources.get(IV_SYSTEM_SOURCE)?.physicalMeasures.has(ALLOCATED)) {
    fail(
      'allocation_disabled',
      path,
      'Allocation needs the @iv data source with the physical measure @allocated.',
    );
  }
  const additions: MeasureRef[] = [];
  const subtractions: MeasureRef[] = [];
  for (const [text, sign] of Object.entries(conf.availableToAllocateCalculation)) {
    const ref = parseMeasureRef(text);
    if (!ref) continue;
    (sign === 'addition' ? additions : subtractions).push(ref);
  }
  if (!subtractions.some((r) => r.dataSource === IV_SYSTEM_SOURCE && r.measure === ALLOCATED)) {
    fail(
      'allocation_disabled',
      path,
      'availableToAllocateCalculation must include "@iv.@allocated": "subtraction" before allocations are accepted.',
    );
  }
  return { dataSource: IV_SYSTEM_SOURCE, name: '@available_to_allocate', additions, subtractions };
}

/** +1 when the formula adds the measure, -1 when it subtracts it, 0 when it does not use it. */
export function signInFormula(formula: CalculatedMeasure, dataSource: string, measure: string): 1 | -1 | 0 {
  const is = (r: MeasureRef) => r.dataSource === dataSource && r.measure === measure;
  if (formula.additions.some(is)) return 1;
  if (formula.subtractions.some(is)) return -1;
  return 0;
}
