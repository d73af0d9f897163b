import {
  dimensionsKey,
  dimensionValue,
  LOCATION,
  parseDimensionsKey,
  SITE,
} from '../../domain/dimensions.js';
import type { ScheduleCursor, ScheduleKey, ScheduleRow } from '../store.js';

/*
 * Conversions between the port's scheduled changes and rows of the schedule table. Quantities read back
 * as bigint (both connections use safe integers) and stay exact; dims is the canonical dimensionsKey
 * text and schedule_date the 'yyyy-MM-dd' text, as the port gives them.
 */

/** The schedule columns every schedule query selects, in the order of {@link ScheduleDbRow}. */
export const SCHEDULE_COLUMNS =
  'partition_id, organization_id, product_id, dims, data_source, measure, schedule_date, quantity';

/** A schedule row as SQLite returns it. */
export interface ScheduleDbRow {
  readonly partition_id: string;
  readonly organization_id: string;
  readonly product_id: string;
  readonly dims: string;
  readonly data_source: string;
  readonly measure: string;
  readonly schedule_date: string;
  readonly quantity: bigint;
}

/** Bind values of the schedule upsert, in column order. */
export type ScheduleParams = [
  environmentId: string,
  partitionId: string,
  organizationId: string,
  productId: string,
  dims: string,
  siteId: string,
  locationId: string,
  dataSource: string,
  measure: string,
  date: string,
  quantity: bigint,
];

/** Bind values of an exact key without the partition: organization, product, dims, source, measure, date. */
export type ScheduleKeyParams = [string, string, string, string, string, string];

/** Bind values of a full primary key after environment_id (also a cursor of exportSchedule). */
export type ScheduleCursorParams = [string, string, string, string, string, string, string];

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
    quantity: r.quantity,
  };
}

/** Bind values for one schedule row; `dimensions` must already be canonical (the port's contract). */
export function scheduleParams(environmentId: string, row: ScheduleRow): ScheduleParams {
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
    row.date,
    row.quantity,
  ];
}

/** Bind values of an exact key (any partition). */
export function scheduleKeyParams(k: ScheduleKey): ScheduleKeyParams {
  return [k.organizationId, k.productId, dimensionsKey(k.dimensions), k.dataSource, k.measure, k.date];
}

/** Bind values of a full key, partition first: the primary key order. */
export function scheduleCursorParams(c: ScheduleCursor): ScheduleCursorParams {
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
