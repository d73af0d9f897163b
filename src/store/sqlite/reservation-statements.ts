import type Database from 'better-sqlite3';
import type { ReservationDbRow, ReservationParams } from './reservation-mapping.js';
import { STOCK_COLUMNS, type StockDbRow } from './row-mapping.js';

/*
 * The statements of soft reservations (and of the availability check that goes with them), prepared
 * once per connection like those of statements.ts, which merges them into its statement sets. Lists
 * of ids are bound as one JSON array read with json_each(?).
 *
 * The WHERE clauses repeat `remaining > 0` (and `expires_at IS NOT NULL`) literally so that SQLite can
 * use the partial indexes reservations_open and reservations_due (schema.ts, migration 3).
 */

const IN_LIST = 'IN (SELECT value FROM json_each(?))';
const OPEN = 'remaining > 0';
const DUE = `${OPEN} AND expires_at IS NOT NULL`;

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** Reservation statements of the writer connection (used inside transactions). */
export interface ReservationWriterStatements {
  /** (env, org, product, partition) → every stock row of that product in that partition. */
  readonly readProductRows: Stmt<[string, string, string, string], StockDbRow>;
  /** (env, JSON array of reservation ids). */
  readonly readReservations: Stmt<[string, string], ReservationDbRow>;
  /** (env, org, product, partition) → open reservations, oldest first. */
  readonly readOpenReservations: Stmt<[string, string, string, string], ReservationDbRow>;
  /** (env, org, product, partition, now) → open reservations due at `now`, oldest first. */
  readonly readDueReservations: Stmt<[string, string, string, string, string], ReservationDbRow>;
  readonly upsertReservation: Stmt<ReservationParams>;
  /** (env, JSON array of partition ids). */
  readonly deletePartitionReservations: Stmt<[string, string]>;
}

/** Prepares the writer's reservation statements (the schema must exist). */
export function prepareReservationWriter(db: Database.Database): ReservationWriterStatements {
  return {
    readProductRows: db.prepare(
      `SELECT ${STOCK_COLUMNS} FROM stock
       WHERE environment_id = ? AND organization_id = ? AND product_id = ? AND partition_id = ?
       ORDER BY dims, data_source, measure`,
    ),
    readReservations: db.prepare(
      `SELECT * FROM reservations WHERE environment_id = ? AND reservation_id ${IN_LIST} ORDER BY reservation_id`,
    ),
    readOpenReservations: db.prepare(
      `SELECT * FROM reservations
       WHERE environment_id = ? AND organization_id = ? AND product_id = ? AND partition_id = ? AND ${OPEN}
       ORDER BY created_at, reservation_id`,
    ),
    // Through the due index: reservations with an expiry that has passed are few (the expiry scheduler
    // releases them on time), however many open reservations the product has.
    readDueReservations: db.prepare(
      `SELECT * FROM reservations INDEXED BY reservations_due
       WHERE ${DUE} AND expires_at <= ? AND environment_id = ? AND organization_id = ? AND product_id = ?
       AND partition_id = ? ORDER BY created_at, reservation_id`,
    ),
    // The conflict target is the id (unique per environment), so a rewrite replaces every field,
    // the partition included.
    upsertReservation: db.prepare(
      `INSERT INTO reservations (environment_id, partition_id, reservation_id, organization_id, product_id,
       dims, data_source, measure, quantity, remaining, expires_at, status, event_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (environment_id, reservation_id) DO UPDATE SET partition_id = excluded.partition_id,
       organization_id = excluded.organization_id, product_id = excluded.product_id, dims = excluded.dims,
       data_source = excluded.data_source, measure = excluded.measure, quantity = excluded.quantity,
       remaining = excluded.remaining, expires_at = excluded.expires_at, status = excluded.status,
       event_id = excluded.event_id, created_at = excluded.created_at, updated_at = excluded.updated_at`,
    ),
    deletePartitionReservations: db.prepare(
      `DELETE FROM reservations WHERE environment_id = ? AND partition_id ${IN_LIST}`,
    ),
  };
}

/** Reservation statements of the reader connection (committed reads). */
export interface ReservationReaderStatements {
  /** (env, reservation id). */
  readonly getReservation: Stmt<[string, string], ReservationDbRow>;
  /** (now, limit) → open reservations of every environment due at `now`, earliest expiry first. */
  readonly listDueReservations: Stmt<[string, number], ReservationDbRow>;
  readonly nextExpiry: Stmt<[], { expires_at: string | null }>;
  /** (environment, data source, measure) → one row when an open reservation uses that measure. */
  readonly anyOpenOnMeasure: Stmt<[string, string, string], { found: number }>;
  /** (env, org, product, limit) → open reservations of the product in every partition, oldest first. */
  readonly productReservations: Stmt<[string, string, string, number], ReservationDbRow>;
}

/** Prepares the reader's reservation statements (the schema must exist). */
export function prepareReservationReader(db: Database.Database): ReservationReaderStatements {
  return {
    getReservation: db.prepare('SELECT * FROM reservations WHERE environment_id = ? AND reservation_id = ?'),
    listDueReservations: db.prepare(
      `SELECT * FROM reservations INDEXED BY reservations_due WHERE ${DUE} AND expires_at <= ?
       ORDER BY expires_at, environment_id, reservation_id LIMIT ?`,
    ),
    nextExpiry: db.prepare(
      `SELECT expires_at FROM reservations INDEXED BY reservations_due WHERE ${DUE}
       ORDER BY expires_at LIMIT 1`,
    ),
    anyOpenOnMeasure: db.prepare(
      `SELECT 1 AS found FROM reservations
       WHERE environment_id = ? AND data_source = ? AND measure = ? AND remaining > 0 LIMIT 1`,
    ),
    productReservations: db.prepare(
      `SELECT * FROM reservations
       WHERE environment_id = ? AND organization_id = ? AND product_id = ? AND ${OPEN}
       ORDER BY created_at, reservation_id LIMIT ?`,
    ),
  };
}
