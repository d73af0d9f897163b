import { STOCK_COLUMNS } from './row-mapping.js';

/*
 * The SQL of a full export (keyset pagination over the primary keys: each page is one index range scan,
 * however large the environment). The clean-up after an interrupted import is in orphaned-data.ts.
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
