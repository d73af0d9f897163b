import {
  dimensionsKey,
  dimensionValue,
  LOCATION,
  parseDimensionsKey,
  SITE,
} from '../../domain/dimensions.js';
import { entryTexts, type LedgerRowText } from '../ledger-codec.js';
import type { LedgerEntry, StockRow } from '../store.js';

/*
 * Conversions between the port's stock and ledger records and SQLite rows. Both connections use safe
 * integers, so every INTEGER column reads back as a bigint: quantities stay exact, other integers are
 * narrowed here.
 * JSON columns hold JSON text; bigint deltas inside `changes` are decimal strings of millionths.
 */

/** The stock columns every stock query selects, in the order of {@link StockDbRow}. */
export const STOCK_COLUMNS =
  'partition_id, organization_id, product_id, dims, data_source, measure, quantity, counted_at';

/** A stock row as SQLite returns it. */
export interface StockDbRow {
  readonly partition_id: string;
  readonly organization_id: string;
  readonly product_id: string;
  readonly dims: string;
  readonly data_source: string;
  readonly measure: string;
  readonly quantity: bigint;
  readonly counted_at: string | null;
}

/** Bind values of the stock upsert, in column order. */
export type StockParams = [
  environmentId: string,
  partitionId: string,
  organizationId: string,
  productId: string,
  dims: string,
  siteId: string,
  locationId: string,
  dataSource: string,
  measure: string,
  quantity: bigint,
  countedAt: string | null,
];

/** Maps a stored stock row back to the port's shape, dims parsed to the canonical object. */
export function toStockRow(r: StockDbRow): StockRow {
  return {
    organizationId: r.organization_id,
    productId: r.product_id,
    dimensions: parseDimensionsKey(r.dims),
    dataSource: r.data_source,
    measure: r.measure,
    partitionId: r.partition_id,
    quantity: r.quantity,
    countedAt: r.counted_at,
  };
}

/** Bind values for one stock row; `dimensions` must already be canonical (the port's contract). */
export function stockParams(environmentId: string, row: StockRow): StockParams {
  const dims = row.dimensions;
  return [
    environmentId,
    row.partitionId,
    row.organizationId,
    row.productId,
    dimensionsKey(dims),
    dimensionValue(dims, SITE),
    dimensionValue(dims, LOCATION),
    row.dataSource,
    row.measure,
    row.quantity,
    row.countedAt,
  ];
}

/** A ledger row as SQLite returns it. */
export interface LedgerDbRow extends LedgerRowText {
  readonly seq: bigint;
}

/** Bind values of the ledger insert, in column order. */
export type LedgerParams = [
  environmentId: string,
  partitionId: string,
  family: string,
  eventId: string | null,
  bodyHash: string,
  kind: string,
  recordedAt: string,
  request: string,
  outcome: string,
  changes: string,
  reference: string | null,
  clientId: string | null,
  fedAt: string,
  format: number | null,
];

/**
 * Bind values for one ledger entry entering the feed at `fedAt`, written in `format`
 * (ledger-format/entry-format.ts). `undefined` request/outcome are stored as JSON null.
 */
export function ledgerParams(e: LedgerEntry, fedAt: string, format: 1 | 2): LedgerParams {
  const texts = entryTexts(e, format);
  return [
    e.environmentId,
    e.partitionId,
    e.family,
    e.eventId,
    e.bodyHash,
    e.kind,
    e.recordedAt,
    texts.request,
    texts.outcome,
    texts.changes,
    e.reference,
    e.clientId ?? null,
    fedAt,
    texts.format,
  ];
}
