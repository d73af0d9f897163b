import { dimensionsKey, parseDimensionsKey } from '../../domain/dimensions.js';
import type { AdjustmentLine, AdjustmentStatus, AdjustmentSyncStatus } from './adjustment-store.js';

/** An adjustment_lines row as both backends return it (JSON as text, the quantity as bigint or text). */
export interface AdjustmentRow {
  readonly line_id: string;
  readonly partition_id: string;
  readonly organization_id: string;
  readonly product_id: string;
  readonly data_source: string;
  readonly measure: string;
  readonly dims: string;
  readonly quantity: bigint | string;
  readonly external_reference_category: string | null;
  readonly external_reference_id: string | null;
  readonly fno_journal_name_id: string | null;
  readonly cost_price: string | null;
  readonly trans_date: string | null;
  readonly status: string;
  readonly sync_status: string;
  readonly message: string;
  readonly body_hash: string;
  readonly request: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** The columns in insert order, after environment_id. */
export const ADJUSTMENT_COLUMNS = [
  'line_id',
  'partition_id',
  'organization_id',
  'product_id',
  'data_source',
  'measure',
  'dims',
  'quantity',
  'external_reference_category',
  'external_reference_id',
  'fno_journal_name_id',
  'cost_price',
  'trans_date',
  'status',
  'sync_status',
  'message',
  'body_hash',
  'request',
  'created_at',
  'updated_at',
] as const;

/** The values of a line, in ADJUSTMENT_COLUMNS order. */
export function adjustmentValues(line: AdjustmentLine): unknown[] {
  return [
    line.lineId,
    line.partitionId,
    line.organizationId,
    line.productId,
    line.dataSource,
    line.measure,
    dimensionsKey(line.dimensions),
    line.quantity,
    line.externalReferenceCategory,
    line.externalReferenceId,
    line.fnoJournalNameId,
    line.costPrice,
    line.transDate,
    line.status,
    line.syncStatus,
    line.message,
    line.bodyHash,
    JSON.stringify(line.request ?? null),
    line.createdAt,
    line.updatedAt,
  ];
}

/** A stored row back to the port's shape. */
export function toAdjustmentLine(row: AdjustmentRow): AdjustmentLine {
  return {
    lineId: row.line_id,
    partitionId: row.partition_id,
    organizationId: row.organization_id,
    productId: row.product_id,
    dataSource: row.data_source,
    measure: row.measure,
    dimensions: parseDimensionsKey(row.dims),
    quantity: BigInt(row.quantity),
    externalReferenceCategory: row.external_reference_category,
    externalReferenceId: row.external_reference_id,
    fnoJournalNameId: row.fno_journal_name_id,
    costPrice: row.cost_price,
    transDate: row.trans_date,
    status: row.status as AdjustmentStatus,
    syncStatus: row.sync_status as AdjustmentSyncStatus,
    message: row.message,
    bodyHash: row.body_hash,
    request: JSON.parse(row.request) as unknown,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
