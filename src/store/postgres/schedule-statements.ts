import { SCHEDULE_COLUMNS } from './schedule-mapping.js';
import { unnest } from './statements.js';

/*
 * The SQL of on-hand change schedules. Dates are 'yyyy-MM-dd' text (COLLATE "C"), compared as text
 * (string order = date order). Batches are bound one array per column and expanded with unnest().
 */

/** The order readSchedule returns rows in (served by schedule_by_product). */
const SCHEDULE_ORDER = 'ORDER BY organization_id, product_id, dims, data_source, measure, schedule_date';
/** The primary key after environment_id: the export order. */
const SCHEDULE_KEY = 'partition_id, organization_id, product_id, dims, data_source, measure, schedule_date';
const S_COLUMNS = SCHEDULE_COLUMNS.split(', ')
  .map((c) => `s.${c}`)
  .join(', ');
const TEXT6 = ['text', 'text', 'text', 'text', 'text', 'text'];
const KEY_MATCH = ['partition_id', 'organization_id', 'product_id', 'dims', 'data_source', 'measure']
  .map((c) => `s.${c} = u.${c}`)
  .join(' AND ');

/** ($1 env, $2…$7 organization, product, dims, data source, measure, date arrays) → rows, in key order. */
export const READ_SCHEDULE_ROWS = `SELECT ${S_COLUMNS}
  FROM ${unnest(2, TEXT6)} WITH ORDINALITY
    AS k(organization_id, product_id, dims, data_source, measure, schedule_date, ord)
  JOIN schedule s ON s.environment_id = $1 AND s.organization_id = k.organization_id
    AND s.product_id = k.product_id AND s.dims = k.dims AND s.data_source = k.data_source
    AND s.measure = k.measure AND s.schedule_date = k.schedule_date
  ORDER BY k.ord, s.partition_id`;

/** READ_SCHEDULE_ROWS in the partitions $8 (an array) only (on Citus, their shards). */
export const READ_SCHEDULE_ROWS_IN = READ_SCHEDULE_ROWS.replace(
  'ORDER BY',
  'AND s.partition_id = ANY($8::text[])\n  ORDER BY',
);

/**
 * ($1 env, $2…$11 the columns of schedule-mapping.scheduleColumns): one statement that deletes the rows
 * whose quantity is 0 and upserts the others (the keys are distinct, so the two parts never meet).
 */
export const WRITE_SCHEDULE_ROWS = `WITH u AS (
    SELECT * FROM ${unnest(2, [...TEXT6, 'text', 'text', 'text', 'bigint'])}
      AS u(partition_id, organization_id, product_id, dims, site_id, location_id, data_source, measure,
        schedule_date, quantity)
  ), gone AS (
    DELETE FROM schedule s USING u
    WHERE u.quantity = 0 AND s.environment_id = $1 AND ${KEY_MATCH} AND s.schedule_date = u.schedule_date
  )
  INSERT INTO schedule (environment_id, partition_id, organization_id, product_id, dims, site_id, location_id,
    data_source, measure, schedule_date, quantity)
  SELECT $1::text, u.* FROM u WHERE u.quantity <> 0
  ON CONFLICT (environment_id, ${SCHEDULE_KEY}) DO UPDATE SET quantity = excluded.quantity`;

/** (env, org, product, partition) → rows in the order (date, dims, data source, measure). */
export const READ_PRODUCT_SCHEDULE = `SELECT ${SCHEDULE_COLUMNS} FROM schedule
  WHERE environment_id = $1 AND organization_id = $2 AND product_id = $3 AND partition_id = $4
  ORDER BY schedule_date, dims, data_source, measure`;

/** (env, partition ids) → the deleted rows, in primary key order. */
export const DELETE_PARTITION_SCHEDULES = `WITH deleted AS (
    DELETE FROM schedule WHERE environment_id = $1 AND partition_id = ANY($2::text[])
    RETURNING ${SCHEDULE_COLUMNS}
  )
  SELECT * FROM deleted ORDER BY ${SCHEDULE_KEY}`;

/** (env, beforeDate, limit) → the distinct scopes holding a change dated before `beforeDate`. */
export const LIST_SCHEDULE_SCOPES = `SELECT DISTINCT organization_id, product_id, partition_id FROM schedule
  WHERE environment_id = $1 AND schedule_date < $2
  ORDER BY organization_id, product_id, partition_id LIMIT $3`;

/** ($1 env, $2 limit) → the first page of schedule rows in key order. */
export const EXPORT_SCHEDULE_FIRST = `SELECT ${SCHEDULE_COLUMNS} FROM schedule WHERE environment_id = $1
  ORDER BY ${SCHEDULE_KEY} LIMIT $2`;

/** ($1 env, $2…$8 the key of the cursor, $9 limit) → the next page. */
export const EXPORT_SCHEDULE_AFTER = `SELECT ${SCHEDULE_COLUMNS} FROM schedule WHERE environment_id = $1
  AND (${SCHEDULE_KEY}) > ($2, $3, $4, $5, $6, $7, $8) ORDER BY ${SCHEDULE_KEY} LIMIT $9`;

const scheduleQueries = new Map<string, string>();

/**
 * readSchedule: a filter for each named column (as readStock, statements.readStockSql), then
 * `schedule_date >= $n` when `fromDate`; cached per combination.
 */
export function readScheduleSql(columns: readonly string[], fromDate: boolean): string {
  const cacheKey = `${columns.join(',')}/${fromDate}`;
  let sql = scheduleQueries.get(cacheKey);
  if (sql === undefined) {
    const where = ['environment_id = $1', 'organization_id = ANY($2::text[])'];
    for (const [i, column] of columns.entries()) where.push(`${column} = ANY($${i + 3}::text[])`);
    if (fromDate) where.push(`schedule_date >= $${columns.length + 3}`);
    sql = `SELECT ${SCHEDULE_COLUMNS} FROM schedule WHERE ${where.join(' AND ')} ${SCHEDULE_ORDER}`;
    scheduleQueries.set(cacheKey, sql);
  }
  return sql;
}
