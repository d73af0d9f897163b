import { Type } from '@sinclair/typebox';
import { NullableString } from './common.js';

const common = {
  dimensionDataSource: Type.Optional(NullableString),
  QueryATP: Type.Optional(
    Type.Boolean({ description: 'Also return quantitiesByDate and atpQuantities (available to promise).' }),
  ),
  ATPFromDate: Type.Optional(Type.String({ description: 'First ATP day returned (default today, UTC).' })),
  ATPToDate: Type.Optional(
    Type.String({ description: 'Last ATP day returned (default the last day of the schedule period).' }),
  ),
  groupByValues: Type.Optional(Type.Array(Type.String())),
  returnNegative: Type.Optional(
    Type.Boolean({ description: 'Report negative calculated measures (default false).' }),
  ),
  asOf: Type.Optional(
    Type.String({
      description:
        'Onhand extension: answer as of a past moment, an RFC 3339 time or a change-feed position, within the feed retention (docs/feed.md).',
    }),
  ),
};

/** Index query body (spec §2.7.1). */
export const IndexQuery = Type.Object(
  {
    ...common,
    filters: Type.Record(Type.String(), Type.Array(Type.String()), {
      description: 'organizationId, productId, siteId, locationId and other dimensions → allowed values.',
    }),
  },
  { additionalProperties: false },
);

/** Exact query body, v1 (dimensions) and v2 (keys) (spec §2.7.4). */
export const ExactQuery = Type.Object(
  {
    ...common,
    filters: Type.Object(
      {
        organizationId: Type.Optional(Type.Array(Type.String())),
        productId: Type.Optional(Type.Array(Type.String())),
        dimensions: Type.Optional(Type.Array(Type.String(), { description: 'Api-Version 1.0' })),
        keys: Type.Optional(
          Type.Array(Type.String(), { description: 'Api-Version 2.0; may include organizationId' }),
        ),
        values: Type.Array(Type.Array(Type.String())),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** One result row (spec §2.7.1). */
export const OnHandRowSchema = Type.Object(
  {
    productId: Type.String(),
    dimensions: Type.Record(Type.String(), Type.String()),
    quantities: Type.Record(Type.String(), Type.Record(Type.String(), Type.Number())),
    quantitiesByDate: Type.Optional(
      Type.Record(Type.String(), Type.Record(Type.String(), Type.Record(Type.String(), Type.Number()))),
    ),
    atpQuantities: Type.Optional(
      Type.Record(Type.String(), Type.Record(Type.String(), Type.Record(Type.String(), Type.Number()))),
    ),
  },
  { additionalProperties: true },
);

export const QueryResult = Type.Array(OnHandRowSchema);

export const PagedQueryResult = Type.Object({
  Value: QueryResult,
  nextLink: Type.String({ description: 'Path of the next page, "" after the last warehouse.' }),
});

export const PagingQuery = Type.Object({
  pageNumber: Type.Optional(Type.String()),
  pageSize: Type.Optional(Type.String()),
});
