import type Database from 'better-sqlite3';
import { dimensionsKey } from '../../domain/dimensions.js';
import { ORPHANED_DATA_TABLES } from '../orphaned-data-tables.js';
import type { StockCursor } from '../store.js';
import type { ReservationDbRow } from './reservation-mapping.js';
import { STOCK_COLUMNS, type StockDbRow } from './row-mapping.js';

/*
 * The statements of a full export (keyset pagination over the primary keys, so every page is one index
 * range scan however large the environment) and of the clean-up after an interrupted import.
 */

/** The stock primary key after environment_id: the export order. */
const STOCK_KEY = 'partition_id, organization_id, product_id, dims, data_source, measure';

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** Export statements of the reader connection. */
export interface TransferReaderStatements {
  /** (env, limit) → the first page of stock rows in key order. */
  readonly stockFirst: Stmt<[string, number], StockDbRow>;
  /** (env, …the six key columns of the cursor, limit) → the next page. */
  readonly stockAfter: Stmt<[string, string, string, string, string, string, string, number], StockDbRow>;
  /** (env, limit) → the first page of reservations in id order. */
  readonly reservationsFirst: Stmt<[string, number], ReservationDbRow>;
  /** (env, afterId, limit) → the next page. */
  readonly reservationsAfter: Stmt<[string, string, number], ReservationDbRow>;
}

/** Prepares the export statements (the schema must exist). */
export function prepareTransferReader(db: Database.Database): TransferReaderStatements {
  const stock = `SELECT ${STOCK_COLUMNS} FROM stock WHERE environment_id = ?`;
  return {
    stockFirst: db.prepare(`${stock} ORDER BY ${STOCK_KEY} LIMIT ?`),
    stockAfter: db.prepare(`${stock} AND (${STOCK_KEY}) > (?, ?, ?, ?, ?, ?) ORDER BY ${STOCK_KEY} LIMIT ?`),
    reservationsFirst: db.prepare(
      'SELECT * FROM reservations WHERE environment_id = ? ORDER BY reservation_id LIMIT ?',
    ),
    reservationsAfter: db.prepare(
      'SELECT * FROM reservations WHERE environment_id = ? AND reservation_id > ? ORDER BY reservation_id LIMIT ?',
    ),
  };
}

/** The bind values of a stock cursor, in key order. */
export function cursorParams(c: StockCursor): [string, string, string, string, string, string] {
  return [c.partitionId, c.organizationId, c.productId, dimensionsKey(c.dimensions), c.dataSource, c.measure];
}

/**
 * Deletes what an interrupted import left under an environment id without an environment record, and
 * whatever else is keyed by that id (../orphaned-data-tables.ts says which tables, and which are kept),
 * in one BEGIN IMMEDIATE transaction on the writer connection; false, and nothing deleted, when the
 * environment exists. SQLite has no sequencer to meet (an entry's seq is its position). Rare, so its
 * statements are prepared per call.
 */
export function deleteOrphanedData(db: Database.Database, environmentId: string): boolean {
  const exists = db.prepare<[string]>('SELECT 1 FROM environments WHERE environment_id = ?');
  const deletes = ORPHANED_DATA_TABLES.map((table) =>
    db.prepare<[string]>(`DELETE FROM ${table} WHERE environment_id = ?`),
  );
  const run = db.transaction((id: string): boolean => {
    if (exists.get(id) !== undefined) return false;
    for (const statement of deletes) statement.run(id);
    return true;
  });
  return run.immediate(environmentId);
}
