import { Type } from '@sinclair/typebox';
import { Dimensions, NullableString, Quantities } from './common.js';

const onHandFields = {
  id: Type.String({
    description: 'Event id, unique per event: a resubmission with the same id is applied once.',
  }),
  organizationId: Type.String(),
  productId: Type.String(),
  dimensionDataSource: Type.Optional(NullableString),
  dimensions: Type.Optional(Dimensions),
  quantities: Quantities,
};

/** An on-hand change event (spec §2.5). */
export const OnHandChange = Type.Object(onHandFields, { additionalProperties: false });

/** A count for set on-hand (spec §2.6). */
export const SetOnHandItem = Type.Object(
  {
    ...onHandFields,
    modifiedDateTimeUTC: Type.Optional(
      Type.String({
        description:
          'When the count was taken (ISO-8601; UTC when no offset). Defaults to the time received.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const OnHandChangeBulk = Type.Array(OnHandChange, {
  description: 'At most 512 events (configurable).',
});
export const SetOnHandBulk = Type.Array(SetOnHandItem, { description: 'At most 512 counts (configurable).' });
