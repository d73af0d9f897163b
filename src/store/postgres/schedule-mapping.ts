import {
  dimensionsKey,
  dimensionValue,
  LOCATION,
  parseDimensionsKey,
  SITE,
} from '../../domain/dimensions.js';
import type { ScheduleCursor, ScheduleKey, ScheduleRow } from '../store.js';
import { columnArrays } from './row-mapping.js';

/*
 * Conversions between the port's scheduled changes and rows of the schedule table. The pool returns
 * int8 as text (connection.ts): quantities become bigint here, exactly. Batches are bound one array per
 * column, bigints as decimal strings.
 */

/** The schedule columns every schedule query selects, in the order of {@link ScheduleDbRow}. */
export const SCHEDULE_COLUMNS =
  'partition_id, organization_id, product_id, dims, data_source, measure, schedule_date, quantity';

/** A schedule row as the pool returns it. */
export interface ScheduleDbRow {
  readonly partition_id: string;
  readonly organization_id: string;
  readonly product_id: string;
  readonly dims: string;
  readonly data_source: string;
  readonly measure: string;
  readonly schedule_date: string;
  readonly quantity: string;
}

/** Maps a stored schedule row back to the port's shape, dims parsed to the canonical object. */
export function toScheduleRow(r: ScheduleDbRow): ScheduleRow {
  return {
    organizationId: r.organization_id,
    productId: r.product_id,
    dimensions: parseDimensionsKey(r.dims),
    dataSource: r.data_source,
    measure: r.measure,
    date: r.schedule_date,
    partitionId: r.partition_id,
    quantity: BigInt(r.quantity),
  };
}

/**
 * Schedule write columns after environment_id: partition, organization, product, dims, site, location,
 * data source, measure, date, quantity (0: delete). When a key repeats, its last row wins (as a replay
 * of one write per row would leave it); one statement cannot touch a row twice.
 */
export function scheduleColumns(rows: readonly ScheduleRow[]): (string | null)[][] {
  const byKey = new Map<string, ScheduleRow>();
  for (const r of rows) byKey.set(JSON.stringify(scheduleCursorParams(r)), r);
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
      (r) => r.date,
      (r) => r.quantity.toString(),
    ],
  );
}

/** Exact-key columns: organization, product, dims, data source, measure, date. */
export function scheduleKeyColumns(keys: readonly ScheduleKey[]): (string | null)[][] {
  return columnArrays(keys, [
    (k) => k.organizationId,
    (k) => k.productId,
    (k) => dimensionsKey(k.dimensions),
    (k) => k.dataSource,
    (k) => k.measure,
    (k) => k.date,
  ]);
}

/** A full key, partition first (the primary key order after environment_id). */
export function scheduleCursorParams(c: ScheduleCursor): string[] {
  return [
    c.partitionId,
    c.organizationId,
    c.productId,
    dimensionsKey(c.dimensions),
    c.dataSource,
    c.measure,
    c.date,
  ];
}
