import type Database from 'better-sqlite3';
import {
  dimensionsKey,
  dimensionValue,
  LOCATION,
  parseDimensionsKey,
  SITE,
} from '../../domain/dimensions.js';
import type { SpanDelta } from '../feed-store.js';
import type { StockSelector } from '../store.js';
import { selectorWhere } from './selector-sql.js';
import { selectorParams } from './sqlite-reader.js';

/*
 * The feed's checkpoint spans on SQLite (feed_spans, migration 8): as-of queries read the summed net
 * changes of whole spans for the values a selector picks.
 */

interface SpanDbRow {
  readonly partition_id: string;
  readonly organization_id: string;
  readonly product_id: string;
  readonly dims: string;
  readonly data_source: string;
  readonly measure: string;
  readonly schedule_date: string;
  readonly delta: string;
  readonly created: bigint;
  readonly span: bigint;
}

const statements = new WeakMap<
  Database.Database,
  Map<number, Database.Statement<(string | number)[], SpanDbRow>>
>();

/** The deltas of spans from … to for the selector, in span order, on `db`. */
export function readSpans(
  db: Database.Database,
  environmentId: string,
  selector: StockSelector,
  fromSpan: number,
  toSpan: number,
): SpanDelta[] {
  if (selector.organizationIds.length === 0) return [];
  const { filters, params } = selectorParams(environmentId, selector);
  let byFilters = statements.get(db);
  if (!byFilters) {
    byFilters = new Map();
    statements.set(db, byFilters);
  }
  let statement = byFilters.get(filters);
  if (!statement) {
    statement = db.prepare<(string | number)[], SpanDbRow>(
      `SELECT span, partition_id, organization_id, product_id, dims, data_source, measure, schedule_date, delta, created
       FROM feed_spans WHERE ${selectorWhere(filters).join(' AND ')} AND span BETWEEN ? AND ? ORDER BY span`,
    );
    byFilters.set(filters, statement);
  }
  return statement.all(...params, fromSpan, toSpan).map((r) => ({
    partitionId: r.partition_id,
    organizationId: r.organization_id,
    productId: r.product_id,
    dimensions: parseDimensionsKey(r.dims),
    dataSource: r.data_source,
    measure: r.measure,
    date: r.schedule_date === '' ? null : r.schedule_date,
    delta: BigInt(r.delta),
    created: r.created !== 0n,
    span: Number(r.span),
  }));
}

/** Inserts one span's deltas (a span written twice keeps its first rows). */
export function writeSpan(
  db: Database.Database,
  environmentId: string,
  span: number,
  deltas: readonly SpanDelta[],
): void {
  const insert = db.prepare(
    `INSERT INTO feed_spans (environment_id, organization_id, product_id, span, partition_id, dims, site_id,
       location_id, data_source, measure, schedule_date, delta, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  for (const d of deltas) {
    insert.run(
      environmentId,
      d.organizationId,
      d.productId,
      span,
      d.partitionId,
      dimensionsKey(d.dimensions),
      dimensionValue(d.dimensions, SITE),
      dimensionValue(d.dimensions, LOCATION),
      d.dataSource,
      d.measure,
      d.date ?? '',
      d.delta.toString(),
      d.created ? 1 : 0,
    );
  }
}
