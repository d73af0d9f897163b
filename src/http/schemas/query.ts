import { Type } from '@sinclair/typebox';
import { ROWS_EXAMPLE } from '../openapi/doc-examples.js';
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
  {
    title: 'IndexQuery',
    additionalProperties: false,
    examples: [
      {
        filters: { organizationId: ['usmf'], productId: ['T-shirt'], siteId: ['1'], locationId: ['11'] },
        groupByValues: ['colorId'],
        returnNegative: true,
      },
    ],
  },
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
  {
    title: 'ExactQuery',
    additionalProperties: false,
    examples: [
      {
        filters: {
          organizationId: ['usmf'],
          productId: ['T-shirt'],
          dimensions: ['siteId', 'locationId', 'colorId'],
          values: [
            ['1', '11', 'red'],
            ['1', '12', 'blue'],
          ],
        },
        groupByValues: ['sizeId'],
        returnNegative: true,
      },
    ],
  },
);

const MeasureValues = Type.Record(Type.String(), Type.Record(Type.String(), Type.Number()), {
  title: 'MeasureValues',
  description: 'Data source → measure → quantity.',
});

/** One result row (spec §2.7.1). */
export const OnHandRowSchema = Type.Object(
  {
    quantitiesByDate: Type.Optional(
      Type.Record(Type.String(), MeasureValues, {
        description: 'QueryATP: scheduled changes by day (keys yyyy-MM-ddT00:00:00).',
      }),
    ),
    atpQuantities: Type.Optional(
      Type.Record(Type.String(), MeasureValues, {
        description: 'QueryATP: the ATP measures by day (keys yyyy-MM-ddT00:00:00Z).',
      }),
    ),
    organizationId: Type.Optional(Type.String({ description: 'Api-Version 2.0 index queries only.' })),
    productId: Type.String(),
    dimensions: Type.Record(Type.String(), Type.String()),
    quantities: MeasureValues,
  },
  { title: 'OnHandRow', additionalProperties: true },
);

/** The rows of a query, as the README shows them. */
export const QueryResult = Type.Array(OnHandRowSchema, { title: 'OnHandRows', examples: [ROWS_EXAMPLE] });

/** A page of an Api-Version 2.0 index query. */
export const PagedQueryResult = Type.Object(
  {
    Value: QueryResult,
    nextLink: Type.String({ description: 'Path of the next page, "" after the last warehouse.' }),
  },
  { title: 'OnHandPage' },
);

/** An index query answers rows (Api-Version 1.0) or a page of them (2.0). */
export const IndexQueryResult = Type.Union([QueryResult, PagedQueryResult], {
  title: 'IndexQueryResult',
  examples: [ROWS_EXAMPLE],
});

export const PagingQuery = Type.Object({
  pageNumber: Type.Optional(Type.String({ description: 'Api-Version 2.0: the page, from 1.' })),
  pageSize: Type.Optional(Type.String({ description: 'Api-Version 2.0: warehouses per page.' })),
});

/** The parameters of the GET query (spec §2.7.3); any other parameter filters a dimension. */
export const UrlQuery = Type.Object(
  {
    organizationId: Type.Optional(Type.String({ examples: ['usmf'] })),
    productId: Type.Optional(
      Type.String({ description: 'One or more, comma-separated or repeated.', examples: ['T-shirt'] }),
    ),
    siteId: Type.Optional(Type.String({ examples: ['1'] })),
    locationId: Type.Optional(Type.String({ examples: ['11'] })),
    groupBy: Type.Optional(
      Type.String({ description: 'Dimensions to group by, comma-separated.', examples: ['colorId'] }),
    ),
    returnNegative: Type.Optional(Type.String({ enum: ['true', 'false'], examples: ['true'] })),
    dimensionDataSource: Type.Optional(Type.String()),
    QueryATP: Type.Optional(Type.String({ enum: ['true', 'false'] })),
    ATPFromDate: Type.Optional(Type.String()),
    ATPToDate: Type.Optional(Type.String()),
  },
  { additionalProperties: Type.String({ description: 'Any other dimension, e.g. colorId=red.' }) },
);
