import type { ErrorCode } from '../codes.js';
import type {
  DataSourceDefinition,
  IndexAttributeSet,
  RuntimeConfiguration,
} from './runtime-configuration.js';

type Report = (code: ErrorCode, path: string, message: string) => void;

/**
 * Lower-cases every data source, measure and dimension name (allocation group names keep their case),
 * reporting names that collide once lower-cased. Returns a new object; the input is not changed.
 */
export function normalizeConfiguration(input: RuntimeConfiguration, report: Report): RuntimeConfiguration {
  const sources: Record<string, DataSourceDefinition> = {};
  for (const [rawName, def] of Object.entries(input.inventorySystemConfigurations)) {
    const name = rawName.toLowerCase();
    const path = `/inventorySystemConfigurations/${rawName}`;
    if (sources[name]) {
      report('duplicate_name', path, `Data source "${name}" is defined twice.`);
      continue;
    }
    sources[name] = {
      dataSourceName: def.dataSourceName.toLowerCase(),
      dimensionMappings: lowerRecord(def.dimensionMappings, `${path}/dimensionMappings`, report, (v) =>
        v.toLowerCase(),
      ),
      physicalMeasures: lowerList(def.physicalMeasures, `${path}/physicalMeasures`, report),
      calculatedMeasures: lowerRecord(def.calculatedMeasures, `${path}/calculatedMeasures`, report, (f) => ({
        additionModifiers: f.additionModifiers.map((m) => m.toLowerCase()),
        subtractionModifiers: f.subtractionModifiers.map((m) => m.toLowerCase()),
      })),
      reservMappings: lowerRecord(def.reservMappings, `${path}/reservMappings`, report, (v) =>
        v.toLowerCase(),
      ),
    };
  }
  const schedule = input.scheduleConfiguration;
  const alloc = input.allocationConfiguration;
  return {
    ...input,
    indexConfiguration: {
      ...input.indexConfiguration,
      partitionKeyAttributes: lowerSet(input.indexConfiguration.partitionKeyAttributes),
      indexAttributeSets: input.indexConfiguration.indexAttributeSets.map(lowerSet),
    },
    inventorySystemConfigurations: sources,
    scheduleConfiguration: {
      ...schedule,
      indexAttributeSets: schedule.indexAttributeSets.map(lowerSet),
      atpCalculatedMeasures: lowerRecord(
        schedule.atpCalculatedMeasures,
        '/scheduleConfiguration/atpCalculatedMeasures',
        report,
        (m) => lowerRecord(m, '/scheduleConfiguration/atpCalculatedMeasures', report, (d) => d),
      ),
    },
    reservConfiguration: {
      ...input.reservConfiguration,
      keys: input.reservConfiguration.keys.map((k) => k.toLowerCase()),
    },
    allocationConfiguration: {
      ...alloc,
      availableToAllocateCalculation: lowerRecord(
        alloc.availableToAllocateCalculation,
        '/allocationConfiguration/availableToAllocateCalculation',
        report,
        (v) => v.toLowerCase(),
      ),
    },
  };
}

function lowerSet(set: IndexAttributeSet): IndexAttributeSet {
  return { setNumber: set.setNumber, keys: set.keys.map((k) => k.toLowerCase()) };
}

function lowerList(list: readonly string[], path: string, report: Report): string[] {
  const out: string[] = [];
  list.forEach((item, i) => {
    const lower = item.toLowerCase();
    if (out.includes(lower)) report('duplicate_name', `${path}/${i}`, `"${lower}" is listed twice.`);
    else out.push(lower);
  });
  return out;
}

function lowerRecord<T, U>(
  record: Readonly<Record<string, T>>,
  path: string,
  report: Report,
  mapValue: (value: T) => U,
): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [key, value] of Object.entries(record)) {
    const lower = key.toLowerCase();
    if (Object.hasOwn(out, lower)) report('duplicate_name', `${path}/${key}`, `"${lower}" is defined twice.`);
    else out[lower] = mapValue(value);
  }
  return out;
}
