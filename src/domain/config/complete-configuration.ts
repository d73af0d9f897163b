import { defaultConfiguration } from './default-configuration.js';
import type {
  CalculatedMeasureDefinition,
  DataSourceDefinition,
  RuntimeConfiguration,
} from './runtime-configuration.js';

/** A runtime configuration where everything but the data sources may be left out. */
export type PartialConfiguration = {
  [K in keyof RuntimeConfiguration]?: K extends 'inventorySystemConfigurations'
    ? Record<string, PartialDataSource>
    : RuntimeConfiguration[K] extends object
      ? Partial<RuntimeConfiguration[K]>
      : RuntimeConfiguration[K];
};

export interface PartialDataSource {
  dataSourceName?: string;
  dimensionMappings?: Record<string, string>;
  physicalMeasures?: string[];
  calculatedMeasures?: Record<string, Partial<CalculatedMeasureDefinition>>;
  reservMappings?: Record<string, string>;
}

function allocationFits(base: RuntimeConfiguration, sources: Record<string, DataSourceDefinition>): boolean {
  return Object.keys(base.allocationConfiguration.availableToAllocateCalculation).every((ref) => {
    const dot = ref.indexOf('.');
    const source = Object.entries(sources).find(([name]) => name.toLowerCase() === ref.slice(0, dot))?.[1];
    return source?.physicalMeasures.some((m) => m.toLowerCase() === ref.slice(dot + 1)) ?? false;
  });
}

/**
 * Fills what a hard update leaves out from the default configuration (spec §1.7): each top-level
 * part is taken from the input when given (its missing fields from the default part), else from the
 * default. Data sources are taken only from the input: a hard update replaces them all. When the
 * default allocation formula names measures the input does not define, allocation starts disabled.
 */
export function completeConfiguration(
  environmentId: string,
  input: PartialConfiguration,
): RuntimeConfiguration {
  const base = defaultConfiguration(environmentId);
  const merged = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    const fallback = (base as unknown as Record<string, unknown>)[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && fallback && typeof fallback === 'object'
        ? { ...(fallback as object), ...(value as object) }
        : value;
  }
  const sources: Record<string, DataSourceDefinition> = {};
  for (const [name, source] of Object.entries(input.inventorySystemConfigurations ?? {})) {
    sources[name] = {
      dataSourceName: source.dataSourceName ?? name,
      dimensionMappings: source.dimensionMappings ?? {},
      physicalMeasures: source.physicalMeasures ?? [],
      calculatedMeasures: Object.fromEntries(
        Object.entries(source.calculatedMeasures ?? {}).map(([calc, f]) => [
          calc,
          {
            additionModifiers: f.additionModifiers ?? [],
            subtractionModifiers: f.subtractionModifiers ?? [],
          },
        ]),
      ),
      reservMappings: source.reservMappings ?? {},
    };
  }
  merged.inventorySystemConfigurations = sources;
  merged.environmentId = environmentId;
  if (input.allocationConfiguration === undefined && !allocationFits(base, sources)) {
    // The default allocation formula names fno, pos, iv and @iv measures; without them, allocation
    // starts switched off rather than making the whole configuration invalid.
    merged.allocationConfiguration = {
      isEnabled: false,
      isSetup: false,
      groups: [],
      groupsOrder: {},
      availableToAllocateCalculation: {},
    };
  }
  return merged as unknown as RuntimeConfiguration;
}
