import type { ScheduleSettings } from './compile-schedule.js';
import type { RuntimeConfiguration } from './runtime-configuration.js';

/** A reference to a physical (or calculated) measure: `dataSource.measure`, lower-case. */
export interface MeasureRef {
  readonly dataSource: string;
  readonly measure: string;
}

/** Σ additions − Σ subtractions of physical measures, evaluated at read time. */
export interface CalculatedMeasure {
  readonly dataSource: string;
  readonly name: string;
  readonly additions: readonly MeasureRef[];
  readonly subtractions: readonly MeasureRef[];
}

export interface DataSourceConfig {
  readonly name: string;
  /** external dimension name (lower-case) → base dimension (lower-case) */
  readonly dimensionMappings: ReadonlyMap<string, string>;
  readonly physicalMeasures: ReadonlySet<string>;
  readonly calculatedMeasures: ReadonlyMap<string, CalculatedMeasure>;
  /** reserved physical measure → available-for-reservation calculated measure */
  readonly reservMappings: ReadonlyMap<string, MeasureRef>;
}

/**
 * How data is partitioned (spec §1.8): by (organization, site, location), which makes siteId and
 * locationId mandatory on writes, or by (organization, product).
 */
export type PartitionRule = 'byLocation' | 'byProduct';

export interface IndexSet {
  readonly setNumber: number;
  /** Base dimensions in hierarchy order; `empty` sets are stored as []. */
  readonly keys: readonly string[];
}

/** A validated configuration, ready for the engine. Built only by compileConfiguration. */
export interface CompiledConfiguration {
  readonly environmentId: string;
  readonly version: number;
  readonly partitionRule: PartitionRule;
  /**
   * Partitioned by location, yet on-hand changes and counts may leave out siteId and locationId
   * (partitionConfiguration with useProductId and useDimensions, spec §1.8).
   */
  readonly onHandWithoutLocation: boolean;
  readonly partitionKeys: readonly string[];
  readonly indexSets: readonly IndexSet[];
  readonly dataSources: ReadonlyMap<string, DataSourceConfig>;
  readonly reservation: {
    readonly enabled: boolean;
    readonly version: number;
    readonly keys: readonly string[];
  };
  /** On-hand change schedules and ATP (spec §1.11). */
  readonly schedule: ScheduleSettings;
  /** The normalised runtime JSON this was compiled from (what GET …/configuration returns). */
  readonly runtime: RuntimeConfiguration;
}
