import { Type } from '@sinclair/typebox';
import { defaultConfiguration } from '../../domain/config/default-configuration.js';

const StringList = Type.Array(Type.String());
const IndexSet = Type.Object(
  { setNumber: Type.Integer(), keys: StringList },
  { additionalProperties: false },
);
const Switch = { isEnabled: Type.Optional(Type.Boolean()), isSetup: Type.Optional(Type.Boolean()) };

const DataSource = Type.Object(
  {
    dataSourceName: Type.Optional(Type.String()),
    dimensionMappings: Type.Optional(Type.Record(Type.String(), Type.String())),
    physicalMeasures: Type.Optional(StringList),
    calculatedMeasures: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object(
          {
            additionModifiers: Type.Optional(StringList),
            subtractionModifiers: Type.Optional(StringList),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    reservMappings: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);

/**
 * The runtime configuration of spec §1.2 as accepted by hardupdate. Only inventorySystemConfigurations
 * is required; every other part, when left out, takes the value of the default configuration.
 */
export const RuntimeConfigurationInput = Type.Object(
  {
    environmentId: Type.Optional(Type.String()),
    isUninstalled: Type.Optional(Type.Boolean()),
    configurationVersion: Type.Optional(Type.Integer()),
    indexConfiguration: Type.Optional(
      Type.Object(
        {
          version: Type.Optional(Type.Integer()),
          partitionKeyAttributes: Type.Optional(IndexSet),
          indexAttributeSets: Type.Optional(Type.Array(IndexSet)),
        },
        { additionalProperties: false },
      ),
    ),
    inventorySystemConfigurations: Type.Record(Type.String(), DataSource),
    isIndexUpgradeInProgress: Type.Optional(Type.Boolean()),
    defaultDimensions: Type.Optional(Type.Record(Type.String(), Type.String())),
    cachePartitionIdVersion: Type.Optional(
      Type.String({ description: '"ByLocation" (default) or "byProductId"' }),
    ),
    finOpsConfiguration: Type.Optional(Type.Object(Switch, { additionalProperties: false })),
    isWHSEnabled: Type.Optional(Type.Boolean()),
    whsConfiguration: Type.Optional(
      Type.Object(
        {
          ...Switch,
          isTruncatedWHSHierarchyEnabled: Type.Optional(Type.Boolean()),
          isTruncatedWHSHierarchySetup: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    isPartitionLockEnabled: Type.Optional(Type.Boolean()),
    partitionLockConfiguration: Type.Optional(Type.Object(Switch, { additionalProperties: false })),
    storageConfiguration: Type.Optional(
      Type.Object(
        {
          ...Switch,
          isOnHandMostSpecificStorageEnabled: Type.Optional(Type.Boolean()),
          version: Type.Optional(Type.Integer()),
          ohmsBackgroundServiceFreq: Type.Optional(Type.Integer()),
        },
        { additionalProperties: false },
      ),
    ),
    onHandIndexQueryPreloadStorageConfiguration: Type.Optional(
      Type.Object(
        {
          ...Switch,
          isOnHandIndexQueryPreloadStorageEnabled: Type.Optional(Type.Boolean()),
          version: Type.Optional(Type.Integer()),
          groupByValues: Type.Optional(StringList),
        },
        { additionalProperties: false },
      ),
    ),
    scheduleConfiguration: Type.Optional(
      Type.Object(
        {
          ...Switch,
          indexAttributeSets: Type.Optional(Type.Array(IndexSet)),
          atpCalculatedMeasures: Type.Optional(
            Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
          ),
          version: Type.Optional(Type.Integer()),
          schedulePeriodInDays: Type.Optional(Type.Integer()),
          isScheduleEnabled: Type.Optional(Type.Boolean()),
          isScheduleV2: Type.Optional(Type.Boolean()),
          commitScheduledChanges: Type.Optional(
            Type.Boolean({
              description:
                'Onhand extension: apply each scheduled change to actual on-hand at the start of its date (UTC).',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    reservConfiguration: Type.Optional(
      Type.Object(
        {
          ...Switch,
          isReservEnabled: Type.Optional(Type.Boolean()),
          version: Type.Optional(Type.Integer()),
          keys: Type.Optional(StringList),
        },
        { additionalProperties: false },
      ),
    ),
    allocationConfiguration: Type.Optional(
      Type.Object(
        {
          ...Switch,
          groups: Type.Optional(StringList),
          groupsOrder: Type.Optional(Type.Record(Type.String(), Type.String())),
          availableToAllocateCalculation: Type.Optional(Type.Record(Type.String(), Type.String())),
        },
        { additionalProperties: false },
      ),
    ),
    entityVersion: Type.Optional(Type.Integer()),
    feedConfiguration: Type.Optional(
      Type.Object(
        {
          publishedMeasures: Type.Optional(
            Type.Array(Type.String(), {
              maxItems: 32,
              description:
                'Onhand extension: the measures ("dataSource.measure") whose values each change-feed entry carries after its change (docs/feed.md). Default: the available-for-reservation measures and @iv.@available_to_allocate.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    partitionConfiguration: Type.Optional(
      Type.Object(
        { useProductId: Type.Optional(Type.Boolean()), useDimensions: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
  },
  {
    title: 'RuntimeConfiguration',
    description:
      'The runtime configuration (spec §1.2, docs/configuration.md); every part is present in answers.',
    additionalProperties: false,
    examples: [defaultConfiguration('demo')],
  },
);
