import {
  dimensionsKey,
  dimensionValue,
  LOCATION,
  parseDimensionsKey,
  SITE,
} from '../../domain/dimensions.js';
import { entryTexts, type LedgerRowText } from '../ledger-codec.js';
import type { LedgerEntry, StockKey, StockRow } from '../store.js';

/*
 * Conversions between the port's stock and ledger records and PostgreSQL rows. The pool returns int8
 * and json columns as text (connection.ts): quantities become bigint here, exactly; JSON is parsed here.
 * Batches are bound column by column, one array parameter per column, and read back with unnest().
 * Bigints travel as decimal strings and are cast to bigint[] in SQL.
 */

/** The stock columns every stock query selects, in the order of {@link StockDbRow}. */
export const STOCK_COLUMNS =
  'partition_id, organization_id, product_id, dims, data_source, measure, quantity, counted_at';

/** A stock row as the pool returns it. */
export interface StockDbRow {
  readonly partition_id: string;
  readonly organization_id: string;
  readonly product_id: string;
  readonly dims: string;
  readonly data_source: string;
  readonly measure: string;
  readonly quantity: string;
  readonly counted_at: string | null;
}

/** Maps a stored stock row back to the port's shape, dims parsed to the canonical object. */
export function toStockRow(r: StockDbRow): StockRow {
  return {
    organizationId: r.organization_id,
    productId: r.product_id,
    dimensions: parseDimensionsKey(r.dims),
    dataSource: r.data_source,
    measure: r.measure,
    partitionId: r.partition_id,
    quantity: BigInt(r.quantity),
    countedAt: r.counted_at,
  };
}

/** One array per column of `items`, in the order of `columns`. */
export function columnArrays<T>(
  items: readonly T[],
  columns: readonly ((item: T) => string | null)[],
): (string | null)[][] {
  return columns.map((column) => items.map(column));
}

/**
 * Stock upsert columns after environment_id: partition, organization, product, dims, site, location,
 * data source, measure, quantity, counted at. When a key repeats, its last row wins (as a replay of
 * one upsert per row would leave it); one INSERT … ON CONFLICT cannot touch a row twice.
 */
export function stockColumns(rows: readonly StockRow[]): (string | null)[][] {
  const byKey = new Map<string, StockRow>();
  for (const r of rows) byKey.set(JSON.stringify([r.partitionId, ...keyParts(r)]), r);
  return columnArrays(
    [...byKey.values()],
    [
      (r) => r.partitionId,
      (r) => r.organizationId,
      (r) => r.productId,
      (r) => dimensionsKey(r.dimensions),
      (r) => dimensionValue(r.dimensions, SITE),
      (r) => dimensionValue(r.dimensions, LOCATION),
      (r) => r.dataSource,
      (r) => r.measure,
      (r) => r.quantity.toString(),
      (r) => r.countedAt,
    ],
  );
}

/** Exact-key columns: organization, product, dims, data source, measure. */
export function keyColumns(keys: readonly StockKey[]): (string | null)[][] {
  return columnArrays(keys, [
    (k) => k.organizationId,
    (k) => k.productId,
    (k) => dimensionsKey(k.dimensions),
    (k) => k.dataSource,
    (k) => k.measure,
  ]);
}

function keyParts(k: StockKey): string[] {
  return [k.organizationId, k.productId, dimensionsKey(k.dimensions), k.dataSource, k.measure];
}

/** A ledger row as the pool returns it. */
export interface LedgerDbRow extends LedgerRowText {
  readonly seq: string;
}

/**
 * Ledger insert columns: environment, partition, family, event id, body hash, kind, recorded at,
 * request, outcome, changes, reference, client id, format (text; ledger-format/entry-format.ts), each
 * entry written in `format`. `undefined` request/outcome are stored as JSON null.
 */
export function ledgerColumns(entries: readonly LedgerEntry[], format: 1 | 2): (string | null)[][] {
  const texts = entries.map((e) => entryTexts(e, format));
  const columns: (string | null)[][] = columnArrays(entries, [
    (e) => e.environmentId,
    (e) => e.partitionId,
    (e) => e.family,
    (e) => e.eventId,
    (e) => e.bodyHash,
    (e) => e.kind,
    (e) => e.recordedAt,
  ]);
  columns.push(
    texts.map((t) => t.request),
    texts.map((t) => t.outcome),
    texts.map((t) => t.changes),
    entries.map((e) => e.reference),
    entries.map((e) => e.clientId ?? null),
    texts.map((t) => (t.format === null ? null : String(t.format))),
  );
  return columns;
}
