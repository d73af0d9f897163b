import type Database from 'better-sqlite3';
import {
  SCHEDULE_COLUMNS,
  type ScheduleCursorParams,
  type ScheduleDbRow,
  type ScheduleKeyParams,
  type ScheduleParams,
} from './schedule-mapping.js';
import { FILTER, forcesSiteIndex, IN_LIST, selectorWhere } from './selector-sql.js';

/*
 * The statements of on-hand change schedules, prepared once per connection like those of
 * statements.ts, which merges them into its statement sets. Dates are 'yyyy-MM-dd' text, compared as
 * text (string order = date order).
 */

/** The order readSchedule returns rows in (served by schedule_by_product). */
const SCHEDULE_ORDER = 'ORDER BY organization_id, product_id, dims, data_source, measure, schedule_date';
/** The primary key after environment_id: the export order. */
const SCHEDULE_KEY = 'partition_id, organization_id, product_id, dims, data_source, measure, schedule_date';

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** Schedule statements of the writer connection (used inside transactions). */
export interface ScheduleWriterStatements {
  /** (env, org, product, dims, dataSource, measure, date) → the rows of that key (any partition). */
  readonly readScheduleRow: Stmt<[string, ...ScheduleKeyParams], ScheduleDbRow>;
  readonly upsertScheduleRow: Stmt<ScheduleParams>;
  /** (env, …the full key, partition first). */
  readonly deleteScheduleRow: Stmt<[string, ...ScheduleCursorParams]>;
  /** (env, org, product, partition) → rows in the order (date, dims, data source, measure). */
  readonly readProductSchedule: Stmt<[string, string, string, string], ScheduleDbRow>;
  /** (env, JSON array of partition ids) → their rows in primary key order. */
  readonly selectPartitionSchedules: Stmt<[string, string], ScheduleDbRow>;
  readonly deletePartitionSchedules: Stmt<[string, string]>;
}

/** Prepares the writer's schedule statements (the schema must exist). */
export function prepareScheduleWriter(db: Database.Database): ScheduleWriterStatements {
  return {
    readScheduleRow: db.prepare(
      `SELECT ${SCHEDULE_COLUMNS} FROM schedule WHERE environment_id = ? AND organization_id = ?
       AND product_id = ? AND dims = ? AND data_source = ? AND measure = ? AND schedule_date = ?
       ORDER BY partition_id`,
    ),
    upsertScheduleRow: db.prepare(
      `INSERT INTO schedule (environment_id, partition_id, organization_id, product_id, dims, site_id,
       location_id, data_source, measure, schedule_date, quantity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (environment_id, ${SCHEDULE_KEY}) DO UPDATE SET quantity = excluded.quantity`,
    ),
    deleteScheduleRow: db.prepare(
      `DELETE FROM schedule WHERE environment_id = ? AND partition_id = ? AND organization_id = ?
       AND product_id = ? AND dims = ? AND data_source = ? AND measure = ? AND schedule_date = ?`,
    ),
    readProductSchedule: db.prepare(
      `SELECT ${SCHEDULE_COLUMNS} FROM schedule
       WHERE environment_id = ? AND organization_id = ? AND product_id = ? AND partition_id = ?
       ORDER BY schedule_date, dims, data_source, measure`,
    ),
    selectPartitionSchedules: db.prepare(
      `SELECT ${SCHEDULE_COLUMNS} FROM schedule WHERE environment_id = ? AND partition_id ${IN_LIST}
       ORDER BY ${SCHEDULE_KEY}`,
    ),
    deletePartitionSchedules: db.prepare(
      `DELETE FROM schedule WHERE environment_id = ? AND partition_id ${IN_LIST}`,
    ),
  };
}

/** Schedule statements of the reader connection (committed reads). */
export interface ScheduleReaderStatements {
  /** (env, beforeDate, limit) → distinct scopes with a change dated before `beforeDate`. */
  readonly listScheduleScopes: Stmt<
    [string, string, number],
    { organization_id: string; product_id: string; partition_id: string }
  >;
  /** (env, limit) → the first page of schedule rows in key order. */
  readonly scheduleFirst: Stmt<[string, number], ScheduleDbRow>;
  /** (env, …the seven key columns of the cursor, limit) → the next page. */
  readonly scheduleAfter: Stmt<[string, ...ScheduleCursorParams, number], ScheduleDbRow>;
  /**
   * readSchedule for a combination of FILTER flags (selector-sql.ts), with or without a first date;
   * binds (env, orgs JSON, the JSON array of each applied filter in the order products, sites,
   * locations, then fromDate when given). Prepared on first use, then cached.
   */
  readSchedule(filters: number, fromDate: boolean): Stmt<string[], ScheduleDbRow>;
}

/** Prepares the reader's schedule statements (the schema must exist). */
export function prepareScheduleReader(db: Database.Database): ScheduleReaderStatements {
  const queries = new Map<string, Stmt<string[], ScheduleDbRow>>();
  const page = `SELECT ${SCHEDULE_COLUMNS} FROM schedule WHERE environment_id = ?`;
  return {
    listScheduleScopes: db.prepare(
      `SELECT DISTINCT organization_id, product_id, partition_id FROM schedule INDEXED BY schedule_by_date
       WHERE environment_id = ? AND schedule_date < ?
       ORDER BY organization_id, product_id, partition_id LIMIT ?`,
    ),
    scheduleFirst: db.prepare(`${page} ORDER BY ${SCHEDULE_KEY} LIMIT ?`),
    scheduleAfter: db.prepare(
      `${page} AND (${SCHEDULE_KEY}) > (?, ?, ?, ?, ?, ?, ?) ORDER BY ${SCHEDULE_KEY} LIMIT ?`,
    ),
    readSchedule(filters, fromDate) {
      const cacheKey = `${filters}/${fromDate}`;
      let stmt = queries.get(cacheKey);
      if (!stmt) {
        stmt = db.prepare<string[], ScheduleDbRow>(scheduleSql(filters, fromDate));
        queries.set(cacheKey, stmt);
      }
      return stmt;
    },
  };
}

/**
 * readSchedule: the readStock query (selector-sql.ts) on the schedule table, from a date when given.
 * The index is always named: without statistics SQLite would serve a first date from schedule_by_date,
 * which reads every later row of the environment whatever the selector. Products at given sites or
 * locations use schedule_by_product_site (the result, one store's rows, is small enough to sort).
 */
function scheduleSql(filters: number, fromDate: boolean): string {
  const where = selectorWhere(filters);
  if (fromDate) where.push('schedule_date >= ?');
  const index = forcesSiteIndex(filters)
    ? 'schedule_by_site'
    : filters & (FILTER.sites | FILTER.locations)
      ? 'schedule_by_product_site'
      : 'schedule_by_product';
  const from = `schedule INDEXED BY ${index}`;
  return `SELECT ${SCHEDULE_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ${SCHEDULE_ORDER}`;
}
