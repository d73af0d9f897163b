import { Type } from '@sinclair/typebox';
import { Dimensions, NullableString, Quantities } from './common.js';

const QuantitiesByDate = Type.Record(Type.String(), Quantities, {
  description:
    'Date (UTC day: "2023-09-26", "2023/09/26", "Tue Sep 26 2023" or an ISO date-time) → data source → measure → signed quantity.',
});

/** A change schedule (spec §3.3). */
export const ScheduleItem = Type.Object(
  {
    id: Type.String({ description: 'Event id: a resubmission with the same id is applied once.' }),
    organizationId: Type.String(),
    productId: Type.String(),
    dimensionDataSource: Type.Optional(NullableString),
    dimensions: Type.Optional(Dimensions),
    quantitiesByDate: Type.Optional(QuantitiesByDate),
    quantityByDate: Type.Optional({
      ...QuantitiesByDate,
      description: 'Older spelling of quantitiesByDate.',
    }),
    quantityDataSource: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'Listed by the vendor’s bulk schema; ignored.',
      }),
    ),
  },
  {
    title: 'ScheduleChange',
    additionalProperties: false,
    examples: [
      {
        id: 'id-bike-0001',
        organizationId: 'usmf',
        productId: 'Bike',
        dimensions: { siteId: '1', locationId: '11', colorId: 'red', sizeId: 'small' },
        quantitiesByDate: {
          '2023-09-08': { iv: { ordered: 10 } },
          '2023-10-01': { pos: { inbound: 20 } },
        },
      },
    ],
  },
);
