import { Type } from '@sinclair/typebox';
import { ADJUSTMENT_STATUSES, SYNC_STATUSES } from '../../domain/adjustments/adjustment-status.js';
import { Dimensions, NullableString, Quantity } from './common.js';

const optionalText = (description: string) => Type.Optional(Type.String({ description }));

/** One business-layer adjustment (spec §2.11). */
export const AdjustmentItem = Type.Object(
  {
    id: Type.String({
      description: 'Unique per environment: the line id, and what makes a retry count once.',
    }),
    organizationId: Type.String(),
    productId: Type.String(),
    dimensionDataSource: Type.Optional(NullableString),
    quantityDataSource: Type.String({ description: 'Data source of the physical measure, e.g. "pos".' }),
    physicalMeasure: Type.String({ description: 'The physical measure changed, e.g. "inbound".' }),
    dimensions: Dimensions,
    quantity: Quantity,
    externalReferenceCategory: optionalText('e.g. the kind of document the adjustment comes from.'),
    externalReferenceId: optionalText('e.g. the document id.'),
    fnoJournalNameId: optionalText('The ERP journal name the sync should use.'),
    costPrice: Type.Optional(Quantity),
    transDate: optionalText('The transaction date, e.g. "2024-05-01".'),
  },
  {
    title: 'AdjustmentItem',
    additionalProperties: false,
    examples: [
      {
        id: 'Adj-1001',
        organizationId: 'usmf',
        productId: 'T-shirt',
        quantityDataSource: 'pos',
        physicalMeasure: 'inbound',
        dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
        quantity: 5,
        externalReferenceCategory: 'Receipt',
        externalReferenceId: 'R-77',
        transDate: '2024-05-01',
      },
    ],
  },
);

export const AdjustmentBulkQuery = Type.Object({
  createWithIVSync: Type.Optional(
    Type.Boolean({
      description: 'true: apply to on-hand now (IVPosted); false (default): at the next periodic posting.',
      examples: [true],
    }),
  ),
});

export const AdjustmentListQuery = Type.Object({
  status: Type.Optional(Type.String({ enum: [...ADJUSTMENT_STATUSES], examples: ['IVPosted'] })),
  syncStatus: Type.Optional(Type.String({ enum: [...SYNC_STATUSES], examples: ['Created'] })),
  after: Type.Optional(Type.String({ description: 'The last line id of the previous page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const AdjustmentLineSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    productId: Type.String(),
    dimensions: Type.Record(Type.String(), Type.String()),
    quantityDataSource: Type.String(),
    physicalMeasure: Type.String(),
    quantity: Type.Number(),
    externalReferenceCategory: NullableString,
    externalReferenceId: NullableString,
    fnoJournalNameId: NullableString,
    costPrice: Type.Union([Type.Number(), Type.Null()]),
    transDate: NullableString,
    status: Type.String({ description: 'Created | IVPosted | Aggregated' }),
    syncStatus: Type.String({ description: SYNC_STATUSES.join(' | ') }),
    message: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { title: 'AdjustmentLine' },
);

export const AdjustmentLinePage = Type.Object(
  {
    lines: Type.Array(AdjustmentLineSchema),
    next: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `after` for the next page; null on the last page.',
    }),
  },
  { title: 'AdjustmentLinePage', examples: [{ lines: [], next: null }] },
);

export const AdjustmentSyncItem = Type.Object(
  {
    id: Type.String({ description: 'The adjustment line id.' }),
    syncStatus: Type.String({ enum: [...SYNC_STATUSES] }),
    message: Type.Optional(Type.String({ description: 'e.g. the ERP journal, or why it failed.' })),
  },
  { title: 'AdjustmentSyncItem', additionalProperties: false },
);

export const AdjustmentSyncBulk = Type.Array(AdjustmentSyncItem, {
  title: 'AdjustmentSyncItemBulk',
  examples: [[{ id: 'Adj-1001', syncStatus: 'FnOSyncEnqueued', message: 'journal IV-000123' }]],
});
