import { Type } from '@sinclair/typebox';
import { Dimensions, NullableString, Quantity } from './common.js';

const bikes = { siteId: '1', locationId: '11' };

const Groups = Type.Record(Type.String(), Type.String(), {
  description:
    'Allocation group name → value, from the top level down, e.g. {"channel": "web", "customerGroup": "VIP"}.',
});

const common = {
  id: Type.String({ description: 'Event id: a resubmission with the same id is applied once.' }),
  organizationId: Type.String(),
  productId: Type.String(),
  dimensionDataSource: Type.Optional(NullableString),
  dimensions: Type.Optional(Dimensions),
  groups: Type.Optional(Groups),
  targetGroups: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'The 2022 name of groups; give one of them.' }),
  ),
  quantity: Quantity,
};

/** An allocate or unallocate request (spec §4.3). */
export const AllocateItem = Type.Object(common, {
  title: 'AllocateRequest',
  additionalProperties: false,
  examples: [
    {
      id: 'Allocate-1',
      organizationId: 'usmf',
      productId: 'Bike',
      dimensions: bikes,
      groups: { channel: 'web', customerGroup: 'VIP' },
      quantity: 30,
    },
  ],
});

/** A reallocate request (spec §4.3): moves quantity from sourceGroups to groups. */
export const ReallocateItem = Type.Object(
  {
    ...common,
    sourceGroups: Type.Record(Type.String(), Type.String(), { description: 'The group path to take from.' }),
  },
  {
    title: 'ReallocateRequest',
    additionalProperties: false,
    examples: [
      {
        id: 'Reallocate-1',
        organizationId: 'usmf',
        productId: 'Bike',
        dimensions: bikes,
        sourceGroups: { channel: 'web', customerGroup: 'VIP' },
        groups: { channel: 'stores' },
        quantity: 10,
      },
    ],
  },
);

/** A consume request (spec §4.3) with the on-hand changes it posts. */
export const ConsumeItem = Type.Object(
  {
    ...common,
    physicalMeasures: Type.Optional(
      Type.Record(Type.String(), Type.Record(Type.String(), Type.String()), {
        description:
          'dataSource → measure → "Addition" | "Subtraction": on-hand changes of ±quantity posted with the consume.',
      }),
    ),
  },
  {
    title: 'ConsumeRequest',
    additionalProperties: false,
    examples: [
      {
        id: 'Consume-1',
        organizationId: 'usmf',
        productId: 'Bike',
        dimensions: bikes,
        groups: { channel: 'web', customerGroup: 'VIP' },
        quantity: 5,
        physicalMeasures: { pos: { inbound: 'Subtraction' } },
      },
    ],
  },
);

/** An allocation query (spec §4.3). */
export const AllocationQueryBody = Type.Object(
  {
    organizationId: Type.String(),
    productId: Type.String(),
    dimensionDataSource: Type.Optional(NullableString),
    dimensions: Type.Optional(Dimensions),
    groups: Type.Optional(Groups),
    targetGroups: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  {
    title: 'AllocationQuery',
    additionalProperties: false,
    examples: [{ organizationId: 'usmf', productId: 'Bike', dimensions: bikes, groups: {} }],
  },
);

/** One allocation record of the query (spec §4.4; its shape is a decision, docs/api.md). */
export const AllocationRecord = Type.Object(
  {
    organizationId: Type.String(),
    productId: Type.String(),
    dimensions: Dimensions,
    groups: Type.Record(Type.String(), Type.String()),
    quantities: Type.Object({
      '@iv': Type.Record(Type.String(), Type.Number(), {
        description: '@allocated, @consumed, @cumulative_allocated, @cumulative_consumed',
      }),
    }),
    allocated: Type.Number({ description: 'remaining + consumed' }),
    consumed: Type.Number(),
    remaining: Type.Number({ description: 'The group’s @allocated: what is left to consume.' }),
  },
  { title: 'AllocationRecord' },
);

export const AllocationRecords = Type.Array(AllocationRecord, {
  title: 'AllocationRecords',
  examples: [
    [
      {
        organizationId: 'usmf',
        productId: 'Bike',
        dimensions: { locationid: '11', siteid: '1' },
        groups: { channel: 'stores' },
        quantities: {
          '@iv': { '@allocated': 10, '@consumed': 0, '@cumulative_allocated': 10, '@cumulative_consumed': 0 },
        },
        allocated: 10,
        consumed: 0,
        remaining: 10,
      },
    ],
  ],
});
