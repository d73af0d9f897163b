/**
 * The runtime-configuration JSON of spec §1.2, as returned by GET …/configuration and accepted by
 * POST …/configuration/hardupdate. Names of data sources, measures and dimensions are lower-case once
 * normalised; allocation group names keep their case.
 */
export interface IndexAttributeSet {
  setNumber: number;
  keys: string[];
}

export interface CalculatedMeasureDefinition {
  additionModifiers: string[];
  subtractionModifiers: string[];
}

export interface DataSourceDefinition {
  dataSourceName: string;
  dimensionMappings: Record<string, string>;
  physicalMeasures: string[];
  calculatedMeasures: Record<string, CalculatedMeasureDefinition>;
  reservMappings: Record<string, string>;
}

export interface FeatureSwitch {
  isEnabled: boolean;
  isSetup: boolean;
}

export interface ScheduleConfiguration {
  indexAttributeSets: IndexAttributeSet[];
  atpCalculatedMeasures: Record<string, Record<string, number>>;
  version: number;
  schedulePeriodInDays: number;
  isScheduleEnabled: boolean;
  isEnabled: boolean;
  isScheduleV2: boolean;
  isSetup: boolean;
  /**
   * Onhand extension: apply each scheduled change to actual on-hand at the start of its date (UTC).
   * Absent or false: the vendor's rule (spec §3.4), schedules never become actual by themselves.
   */
  commitScheduledChanges?: boolean;
}

export interface ReservConfiguration {
  isReservEnabled: boolean;
  version: number;
  keys: string[];
  isEnabled: boolean;
  isSetup: boolean;
}

export interface AllocationConfiguration {
  isEnabled: boolean;
  isSetup: boolean;
  groups: string[];
  groupsOrder: Record<string, string>;
  availableToAllocateCalculation: Record<string, string>;
}

export interface RuntimeConfiguration {
  environmentId: string;
  isUninstalled: boolean;
  configurationVersion: number;
  indexConfiguration: {
    version: number;
    partitionKeyAttributes: IndexAttributeSet;
    indexAttributeSets: IndexAttributeSet[];
  };
  inventorySystemConfigurations: Record<string, DataSourceDefinition>;
  isIndexUpgradeInProgress: boolean;
  defaultDimensions: Record<string, string>;
  cachePartitionIdVersion: string;
  finOpsConfiguration: FeatureSwitch;
  isWHSEnabled: boolean;
  whsConfiguration: FeatureSwitch & {
    isTruncatedWHSHierarchyEnabled: boolean;
    isTruncatedWHSHierarchySetup: boolean;
  };
  isPartitionLockEnabled: boolean;
  partitionLockConfiguration: FeatureSwitch;
  storageConfiguration: FeatureSwitch & {
    isOnHandMostSpecificStorageEnabled: boolean;
    version: number;
    ohmsBackgroundServiceFreq: number;
  };
  onHandIndexQueryPreloadStorageConfiguration: FeatureSwitch & {
    isOnHandIndexQueryPreloadStorageEnabled: boolean;
    version: number;
    groupByValues: string[];
  };
  scheduleConfiguration: ScheduleConfiguration;
  reservConfiguration: ReservConfiguration;
  allocationConfiguration: AllocationConfiguration;
  entityVersion: number;
  partitionConfiguration: { useProductId: boolean; useDimensions: boolean };
  /** Onhand extension: what the change feed publishes (docs/feed.md); absent: the defaults. */
  feedConfiguration?: FeedConfiguration;
}

export interface FeedConfiguration {
  /** "dataSource.measure" of calculated or physical measures; absent: the defaults (domain/feed). */
  publishedMeasures?: string[];
}
