import { Type } from '@sinclair/typebox';
import { Dimensions, NullableString, Quantity } from './common.js';

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
export const AllocateItem = Type.Object(common, { additionalProperties: false });

/** A reallocate request (spec §4.3): moves quantity from sourceGroups to groups. */
export const ReallocateItem = Type.Object(
  {
    ...common,
    sourceGroups: Type.Record(Type.String(), Type.String(), { description: 'The group path to take from.' }),
  },
  { additionalProperties: false },
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
  { additionalProperties: false },
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
  { additionalProperties: false },
);
