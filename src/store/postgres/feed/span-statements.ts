import type pg from 'pg';
import {
  dimensionsKey,
  dimensionValue,
  LOCATION,
  parseDimensionsKey,
  SITE,
} from '../../../domain/dimensions.js';
import type { SpanDelta } from '../../feed-store.js';
import type { StockSelector } from '../../store.js';
import { STOCK_FILTERS, unnest } from '../statements.js';

/*
 * The feed's checkpoint spans on PostgreSQL (feed_spans, migration 5): as-of queries read the summed net
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
  readonly created: boolean;
  readonly span: string;
}

/** The deltas of spans from … to for the selector, in span order. */
export async function readSpans(
  pool: pg.Pool,
  environmentId: string,
  selector: StockSelector,
  fromSpan: number,
  toSpan: number,
): Promise<SpanDelta[]> {
  if (selector.organizationIds.length === 0) return [];
  const where = ['environment_id = $1', 'organization_id = ANY($2::text[])', 'span BETWEEN $3 AND $4'];
  const params: unknown[] = [environmentId, selector.organizationIds, fromSpan, toSpan];
  for (const [field, column] of STOCK_FILTERS) {
    const list = selector[field];
    if (list === undefined || list.length === 0) continue;
    params.push(list);
    where.push(`${column} = ANY($${params.length}::text[])`);
  }
  const result = await pool.query<SpanDbRow>(
    `SELECT span, partition_id, organization_id, product_id, dims, data_source, measure, schedule_date, delta,
       created
     FROM feed_spans WHERE ${where.join(' AND ')} ORDER BY span`,
    params,
  );
  return result.rows.map((r) => ({
    partitionId: r.partition_id,
    organizationId: r.organization_id,
    productId: r.product_id,
    dimensions: parseDimensionsKey(r.dims),
    dataSource: r.data_source,
    measure: r.measure,
    date: r.schedule_date === '' ? null : r.schedule_date,
    delta: BigInt(r.delta),
    created: r.created,
    span: Number(r.span),
  }));
}

/** Inserts one span's deltas in one statement (a span written twice keeps its first rows). */
export async function writeSpan(
  pool: pg.Pool,
  environmentId: string,
  span: number,
  deltas: readonly SpanDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  const column = <T>(f: (d: SpanDelta) => T) => deltas.map(f);
  await pool.query(
    `INSERT INTO feed_spans (environment_id, span, organization_id, product_id, partition_id, dims, site_id,
       location_id, data_source, measure, schedule_date, delta, created)
     SELECT $1, $2, u.* FROM ${unnest(3, ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'numeric', 'boolean'])}
       AS u ON CONFLICT DO NOTHING`,
    [
      environmentId,
      span,
      column((d) => d.organizationId),
      column((d) => d.productId),
      column((d) => d.partitionId),
      column((d) => dimensionsKey(d.dimensions)),
      column((d) => dimensionValue(d.dimensions, SITE)),
      column((d) => dimensionValue(d.dimensions, LOCATION)),
      column((d) => d.dataSource),
      column((d) => d.measure),
      column((d) => d.date ?? ''),
      column((d) => d.delta.toString()),
      column((d) => d.created),
    ],
  );
}
