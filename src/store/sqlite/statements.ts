import type Database from 'better-sqlite3';
import type { ClientDbRow, EnvironmentDbRow } from './record-mapping.js';
import {
  prepareReservationReader,
  prepareReservationWriter,
  type ReservationReaderStatements,
  type ReservationWriterStatements,
} from './reservation-statements.js';
import {
  type LedgerDbRow,
  type LedgerParams,
  STOCK_COLUMNS,
  type StockDbRow,
  type StockParams,
} from './row-mapping.js';
import {
  prepareScheduleReader,
  prepareScheduleWriter,
  type ScheduleReaderStatements,
  type ScheduleWriterStatements,
} from './schedule-statements.js';
import { forcesSiteIndex, IN_LIST, selectorWhere } from './selector-sql.js';

/*
 * Every SQL statement of the SQLite backend, prepared once per connection and reused. Lists of ids are
 * bound as one JSON array parameter read with json_each(?), so an IN list of any length costs one
 * variable (SQLite caps the number of variables per statement).
 */

const STOCK_ORDER = 'ORDER BY organization_id, product_id, dims, data_source, measure';
const STOCK_KEY =
  'ON CONFLICT (environment_id, partition_id, organization_id, product_id, dims, data_source, measure)';

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** Statements of the writer connection: transaction control and every write. */
export interface WriterStatements extends ReservationWriterStatements, ScheduleWriterStatements {
  readonly begin: Stmt<[]>;
  /** (env) → the OCI graph version. */
  readonly ociGraphVersion: Stmt<[string], { version: number | bigint }>;
  readonly commit: Stmt<[]>;
  readonly rollback: Stmt<[]>;
  /** (env, org, product, dims, dataSource, measure) → rows. */
  readonly readRow: Stmt<[string, string, string, string, string, string], StockDbRow>;
  readonly upsertRow: Stmt<StockParams>;
  /** (env, JSON array of partition ids). */
  readonly selectPartitions: Stmt<[string, string], StockDbRow>;
  readonly deletePartitions: Stmt<[string, string]>;
  /** (env, family, JSON array of event ids). */
  readonly findEvents: Stmt<
    [string, string, string],
    { event_id: string; seq: bigint; body_hash: string; outcome: string; format: bigint | null }
  >;
  readonly insertLedger: Stmt<LedgerParams>;
  /** The format new ledger entries are written in (ledger_format). */
  readonly writeFormat: Stmt<[], { write_format: bigint }>;
  /** (id, configuration, version, createdAt, updatedAt). */
  readonly insertEnvironment: Stmt<[string, string, number, string, string]>;
  /** (configuration, version, updatedAt, id, expectedVersion). */
  readonly replaceEnvironment: Stmt<[string, number, string, string, number]>;
  /** (id) → the environment's configuration version. */
  readonly environmentVersion: Stmt<[string], { version: number | bigint }>;
  /** (id, secretHash, environments, admin, createdAt, revokedAt). */
  readonly insertClient: Stmt<[string, string, string, number, string, string, string | null]>;
  /** (secretHash, environments, admin, revokedAt, id). */
  readonly updateClient: Stmt<[string, string, number, string, string | null, string]>;
}

/** Prepares the writer's statements (the schema must exist). */
export function prepareWriter(db: Database.Database): WriterStatements {
  return {
    ...prepareReservationWriter(db),
    ...prepareScheduleWriter(db),
    begin: db.prepare('BEGIN IMMEDIATE'),
    ociGraphVersion: db.prepare('SELECT version FROM oci_graphs WHERE environment_id = ?'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    readRow: db.prepare(
      `SELECT ${STOCK_COLUMNS} FROM stock WHERE environment_id = ? AND organization_id = ? AND product_id = ?
       AND dims = ? AND data_source = ? AND measure = ?`,
    ),
    upsertRow: db.prepare(
      `INSERT INTO stock (environment_id, partition_id, organization_id, product_id, dims, site_id, location_id,
       data_source, measure, quantity, counted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ${STOCK_KEY} DO UPDATE SET quantity = excluded.quantity, counted_at = excluded.counted_at`,
    ),
    selectPartitions: db.prepare(
      `SELECT ${STOCK_COLUMNS} FROM stock WHERE environment_id = ? AND partition_id ${IN_LIST} ${STOCK_ORDER}`,
    ),
    deletePartitions: db.prepare(`DELETE FROM stock WHERE environment_id = ? AND partition_id ${IN_LIST}`),
    findEvents: db.prepare(
      `SELECT event_id, seq, body_hash, outcome, format FROM ledger
       WHERE environment_id = ? AND family = ? AND event_id IS NOT NULL AND event_id ${IN_LIST}`,
    ),
    insertLedger: db.prepare(
      `INSERT INTO ledger (environment_id, partition_id, family, event_id, body_hash, kind, recorded_at, request,
       outcome, changes, reference, client_id, fed_at, format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    writeFormat: db.prepare<[], { write_format: bigint }>(
      'SELECT write_format FROM ledger_format WHERE id = 1',
    ),
    insertEnvironment: db.prepare(
      `INSERT INTO environments (environment_id, configuration, version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (environment_id) DO NOTHING`,
    ),
    replaceEnvironment: db.prepare(
      'UPDATE environments SET configuration = ?, version = ?, updated_at = ? WHERE environment_id = ? AND version = ?',
    ),
    environmentVersion: db.prepare('SELECT version FROM environments WHERE environment_id = ?'),
    insertClient: db.prepare(
      `INSERT INTO clients (client_id, secret_hash, environments, admin, roles, created_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING`,
    ),
    updateClient: db.prepare(
      'UPDATE clients SET secret_hash = ?, environments = ?, admin = ?, roles = ?, revoked_at = ? WHERE client_id = ?',
    ),
  };
}

/** Statements of the reader connection: committed reads only. */
export interface ReaderStatements extends ReservationReaderStatements, ScheduleReaderStatements {
  readonly ping: Stmt<[], { one: bigint }>;
  /** (env, env) → one row when the environment holds a stock row or a scheduled change. */
  readonly hasStock: Stmt<[string, string], { one: bigint }>;
  /** (env, dataSource, measure, JSON path of the dimension) → a row when one with quantity ≠ 0 has it. */
  readonly hasStockWithDimension: Stmt<[string, string, string, string], { one: bigint }>;
  /** (env, env) → the partitions holding stock or scheduled changes, sorted. */
  readonly listPartitionIds: Stmt<[string, string], { partition_id: string }>;
  /** (env, afterSeq, limit). */
  readonly readLedger: Stmt<[string, number, number], LedgerDbRow>;
  /** (env, reference, limit). */
  readonly readLedgerByReference: Stmt<[string, string, number], LedgerDbRow>;
  readonly getEnvironment: Stmt<[string], EnvironmentDbRow>;
  readonly listEnvironments: Stmt<[], EnvironmentDbRow>;
  readonly getClient: Stmt<[string], ClientDbRow>;
  readonly listClients: Stmt<[], ClientDbRow>;
  /**
   * readStock for a combination of FILTER flags; binds (env, orgs JSON, then the JSON array of each
   * applied filter in the order products, sites, locations). Prepared on first use, then cached.
   */
  readStock(filters: number): Stmt<string[], StockDbRow>;
}

/** Prepares the reader's statements (the schema must exist). */
export function prepareReader(db: Database.Database): ReaderStatements {
  const stockQueries = new Map<number, Stmt<string[], StockDbRow>>();
  return {
    ...prepareReservationReader(db),
    ...prepareScheduleReader(db),
    ping: db.prepare('SELECT 1 AS one'),
    hasStockWithDimension: db.prepare(
      `SELECT 1 AS one FROM stock WHERE environment_id = ? AND data_source = ? AND measure = ?
       AND quantity <> 0 AND json_type(dims, ?) IS NOT NULL LIMIT 1`,
    ),
    hasStock: db.prepare(
      `SELECT 1 AS one WHERE EXISTS (SELECT 1 FROM stock WHERE environment_id = ?)
       OR EXISTS (SELECT 1 FROM schedule WHERE environment_id = ?)`,
    ),
    // UNION removes duplicates; each arm reads the distinct partitions off its primary key.
    listPartitionIds: db.prepare(
      `SELECT DISTINCT partition_id FROM stock WHERE environment_id = ?
       UNION SELECT DISTINCT partition_id FROM schedule WHERE environment_id = ? ORDER BY partition_id`,
    ),
    readLedger: db.prepare('SELECT * FROM ledger WHERE environment_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    readLedgerByReference: db.prepare(
      'SELECT * FROM ledger WHERE environment_id = ? AND reference = ? ORDER BY seq LIMIT ?',
    ),
    getEnvironment: db.prepare('SELECT * FROM environments WHERE environment_id = ?'),
    listEnvironments: db.prepare('SELECT * FROM environments ORDER BY environment_id'),
    getClient: db.prepare('SELECT * FROM clients WHERE client_id = ?'),
    listClients: db.prepare('SELECT * FROM clients ORDER BY client_id'),
    readStock(filters) {
      let stmt = stockQueries.get(filters);
      if (!stmt) {
        stmt = db.prepare<string[], StockDbRow>(stockSql(filters));
        stockQueries.set(filters, stmt);
      }
      return stmt;
    },
  };
}

/** readStock for a combination of FILTER flags (selector-sql.ts). */
function stockSql(filters: number): string {
  const from = forcesSiteIndex(filters) ? 'stock INDEXED BY stock_by_site' : 'stock';
  return `SELECT ${STOCK_COLUMNS} FROM ${from} WHERE ${selectorWhere(filters).join(' AND ')} ${STOCK_ORDER}`;
}
