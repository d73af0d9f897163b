import { unnest } from './statements.js';

/*
 * The SQL of soft reservations. The WHERE clauses repeat `remaining > 0` (and `expires_at IS NOT NULL`)
 * literally so that PostgreSQL can use the partial indexes reservations_open and reservations_due
 * (schema.ts).
 */

const OPEN = 'remaining > 0';
const DUE = `${OPEN} AND expires_at IS NOT NULL`;
const COLUMNS = `partition_id, reservation_id, organization_id, product_id, dims, data_source, measure,
  quantity, remaining, expires_at, status, event_id, created_at, updated_at`;
const TYPES = [
  ...['text', 'text', 'text', 'text', 'text', 'text', 'text'],
  ...['bigint', 'bigint', 'text', 'text', 'text', 'text', 'text'],
];

/** (env, reservation ids) → reservations in id order; a repeated id is returned once. */
export const READ_RESERVATIONS = `SELECT * FROM reservations
  WHERE environment_id = $1 AND reservation_id = ANY($2::text[]) ORDER BY reservation_id`;

/** (env, reservation ids, partitions) → READ_RESERVATIONS in those partitions only (on Citus, their shards). */
export const READ_RESERVATIONS_IN = `SELECT * FROM reservations
  WHERE environment_id = $1 AND reservation_id = ANY($2::text[]) AND partition_id = ANY($3::text[])
  ORDER BY reservation_id`;

/** (env, org, product, partition) → open reservations, oldest first. */
export const READ_OPEN_RESERVATIONS = `SELECT * FROM reservations
  WHERE environment_id = $1 AND organization_id = $2 AND product_id = $3 AND partition_id = $4 AND ${OPEN}
  ORDER BY created_at, reservation_id`;

/**
 * ($1 env, $2…$4 organization, product and partition arrays, $5 now, $6 the distinct partitions) → due
 * reservations, oldest first ($6: see READ_SCOPES_ROWS).
 */
export const READ_SCOPES_DUE_RESERVATIONS = `SELECT r.* FROM ${unnest(2, ['text', 'text', 'text'])}
    AS k(organization_id, product_id, partition_id)
  JOIN reservations r ON r.environment_id = $1 AND r.organization_id = k.organization_id
    AND r.product_id = k.product_id AND r.partition_id = k.partition_id
    AND r.remaining > 0 AND r.expires_at IS NOT NULL AND r.expires_at <= $5
  WHERE r.partition_id = ANY($6::text[])
  ORDER BY r.created_at COLLATE "C", r.reservation_id COLLATE "C"`;

/**
 * READ_SCOPES_DUE_RESERVATIONS (same parameters and rows) as one lookup per key in
 * reservations_due_by_product (migration 12), whatever the table's statistics say (see
 * READ_SCOPES_ROWS_BY_KEY). Plain PostgreSQL; Citus keeps the join. Its columns are named, not `*`: it is
 * a prepared statement in reservation batches (prepared-statements.ts), whose result columns must not
 * change when a migration adds a column to the table.
 */
export const READ_SCOPES_DUE_RESERVATIONS_BY_KEY = `SELECT r.* FROM ${unnest(2, ['text', 'text', 'text'])}
    AS k(organization_id, product_id, partition_id),
  LATERAL (SELECT environment_id, ${COLUMNS} FROM reservations WHERE environment_id = $1
    AND organization_id = k.organization_id AND product_id = k.product_id AND partition_id = k.partition_id
    AND ${DUE} AND expires_at <= $5 OFFSET 0) r
  WHERE r.partition_id = ANY($6::text[])
  ORDER BY r.created_at COLLATE "C", r.reservation_id COLLATE "C"`;

/**
 * ($1 env, $2…$15 the columns of record-mapping.reservationColumns). The conflict target is the id
 * (unique per environment), so a rewrite replaces every field, the partition included.
 */
export const UPSERT_RESERVATIONS = `INSERT INTO reservations (environment_id, ${COLUMNS})
  SELECT $1::text, u.* FROM ${unnest(2, TYPES)} AS u
  ON CONFLICT (environment_id, reservation_id) DO UPDATE SET partition_id = excluded.partition_id,
    organization_id = excluded.organization_id, product_id = excluded.product_id, dims = excluded.dims,
    data_source = excluded.data_source, measure = excluded.measure, quantity = excluded.quantity,
    remaining = excluded.remaining, expires_at = excluded.expires_at, status = excluded.status,
    event_id = excluded.event_id, created_at = excluded.created_at, updated_at = excluded.updated_at`;

/** (env, reservation id). */
export const GET_RESERVATION = 'SELECT * FROM reservations WHERE environment_id = $1 AND reservation_id = $2';

/** (env, reservation id, partition) → GET_RESERVATION in that partition (on Citus, its one shard). */
export const GET_RESERVATION_IN = `${GET_RESERVATION} AND partition_id = $3`;

/** (now, limit) → open reservations of every environment due at `now`, earliest expiry first. */
export const LIST_DUE_RESERVATIONS = `SELECT * FROM reservations WHERE ${DUE} AND expires_at <= $1
  ORDER BY expires_at, environment_id, reservation_id LIMIT $2`;

export const NEXT_EXPIRY = `SELECT expires_at FROM reservations WHERE ${DUE} ORDER BY expires_at LIMIT 1`;

/** (environment, data source, measure) → one row when an open reservation uses that measure. */
export const ANY_OPEN_ON_MEASURE = `SELECT 1 FROM reservations
  WHERE environment_id = $1 AND data_source = $2 AND measure = $3 AND ${OPEN} LIMIT 1`;

/** (env, org, product, limit) → open reservations of the product in every partition, oldest first. */
export const PRODUCT_RESERVATIONS = `SELECT * FROM reservations
  WHERE environment_id = $1 AND organization_id = $2 AND product_id = $3 AND ${OPEN}
  ORDER BY created_at COLLATE "C", reservation_id COLLATE "C" LIMIT $4`;
