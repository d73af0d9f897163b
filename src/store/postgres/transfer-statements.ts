import { OCI_ENVIRONMENT_TABLES } from '../oci/oci-store.js';
import { STOCK_COLUMNS } from './row-mapping.js';

/*
 * The SQL of a full export (keyset pagination over the primary keys: each page is one index range scan,
 * however large the environment) and of the clean-up after an interrupted import.
 */

const STOCK_KEY = 'partition_id, organization_id, product_id, dims, data_source, measure';

/** ($1 env, $2 limit) → the first page of stock rows in key order. */
export const EXPORT_STOCK_FIRST = `SELECT ${STOCK_COLUMNS} FROM stock WHERE environment_id = $1
  ORDER BY ${STOCK_KEY} LIMIT $2`;

/** ($1 env, $2…$7 the key of the cursor, $8 limit) → the next page. */
export const EXPORT_STOCK_AFTER = `SELECT ${STOCK_COLUMNS} FROM stock WHERE environment_id = $1
  AND (${STOCK_KEY}) > ($2, $3, $4, $5, $6, $7) ORDER BY ${STOCK_KEY} LIMIT $8`;

/** ($1 env, $2 limit) → the first page of reservations in id order. */
export const EXPORT_RESERVATIONS_FIRST =
  'SELECT * FROM reservations WHERE environment_id = $1 ORDER BY reservation_id LIMIT $2';

/** ($1 env, $2 afterId, $3 limit) → the next page. */
export const EXPORT_RESERVATIONS_AFTER = `SELECT * FROM reservations
  WHERE environment_id = $1 AND reservation_id > $2 ORDER BY reservation_id LIMIT $3`;

/**
 * ($1 env) → { orphaned }: deletes the stock, schedule, reservations and ledger of an environment id
 * without an environment record, with its commits' feed rows (so that no process reads or sums its
 * entries from memory: a read lists the commits first), in one statement (so atomically); orphaned is
 * false, and nothing is deleted, when the environment exists. Positions already given to other
 * commits stay as they are.
 */
export const DELETE_ORPHANED_DATA = `WITH env AS (SELECT 1 FROM environments WHERE environment_id = $1),
  s AS (DELETE FROM stock WHERE environment_id = $1 AND NOT EXISTS (SELECT 1 FROM env)),
  c AS (DELETE FROM schedule WHERE environment_id = $1 AND NOT EXISTS (SELECT 1 FROM env)),
  r AS (DELETE FROM reservations WHERE environment_id = $1 AND NOT EXISTS (SELECT 1 FROM env)),
  l AS (DELETE FROM ledger WHERE environment_id = $1 AND NOT EXISTS (SELECT 1 FROM env)),
  f AS (DELETE FROM feed_commits WHERE environment_id = $1 AND NOT EXISTS (SELECT 1 FROM env)),
  ${OCI_ENVIRONMENT_TABLES.map(
    (table, i) =>
      `o${i} AS (DELETE FROM ${table} WHERE environment_id = $1 AND NOT EXISTS (SELECT 1 FROM env))`,
  ).join(',\n  ')}
  SELECT NOT EXISTS (SELECT 1 FROM env) AS orphaned`;
