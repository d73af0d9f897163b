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
export const OnHandChange = Type.Object(onHandFields, {
  title: 'OnHandChange',
  additionalProperties: false,
  examples: [
    {
      id: 'Test201',
      organizationId: 'usmf',
      productId: 'T-shirt',
      dimensionDataSource: 'pos',
      dimensions: { siteId: '1', locationId: '11', posMachineId: '0001', colorId: 'red' },
      quantities: { pos: { inbound: 1 } },
    },
  ],
});

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
  {
    title: 'SetOnHandItem',
    additionalProperties: false,
    examples: [
      {
        id: 'Count-2026-11-23',
        organizationId: 'usmf',
        productId: 'T-shirt',
        dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
        quantities: { pos: { inbound: 100 } },
        modifiedDateTimeUTC: '2026-11-23T07:00:00Z',
      },
    ],
  },
);
