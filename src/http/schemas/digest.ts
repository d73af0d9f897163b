import { Type } from '@sinclair/typebox';

/** POST …/availability/digest body (docs/api.md, "Availability digest"). */
export const AvailabilityDigestRequest = Type.Object(
  {
    organizationId: Type.String({ minLength: 1 }),
    productIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000 }),
    siteIds: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
    locationIds: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
    groupBy: Type.Array(Type.String({ minLength: 1 }), {
      maxItems: 16,
      description: 'The group-by of the level, as an index query takes it, e.g. an index set’s keys.',
    }),
    measure: Type.String({ description: 'The published measure, dataSource.measure.', minLength: 3 }),
    asOf: Type.Optional(
      Type.String({
        description:
          'A feed position (or RFC 3339 time) the digest is computed at, within the feed retention.',
      }),
    ),
  },
  {
    title: 'AvailabilityDigestRequest',
    additionalProperties: false,
    examples: [
      {
        organizationId: 'usmf',
        productIds: ['T-shirt'],
        siteIds: ['1'],
        locationIds: ['11'],
        groupBy: ['colorId', 'sizeId', 'styleId'],
        measure: 'iv.availabletoreserve',
      },
    ],
  },
);

/** The digest of the availability of a set of products and places. */
export const AvailabilityDigest = Type.Object(
  {
    position: Type.String({ pattern: '^[0-9]+$', description: 'The feed position the digest reflects.' }),
    measure: Type.String(),
    count: Type.Integer({ minimum: 0, description: 'Values other than zero that the digest covers.' }),
    digest: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) of the canonical text.' }),
  },
  {
    title: 'AvailabilityDigest',
    examples: [
      {
        position: '2',
        measure: 'iv.availabletoreserve',
        count: 1,
        digest: 'b3c0d3e4b4f5f0a1c9c7d1b0a9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0',
      },
    ],
  },
);
