import { STOCK_COLUMNS } from './row-mapping.js';

/*
 * The SQL of the PostgreSQL backend for stock, the ledger, environments and clients (reservations:
 * reservation-statements.ts). Batches are bound as one array per column and expanded with unnest(), so
 * a batch of any size is one statement and one round trip; lists of ids are bound as one array and
 * matched with = ANY($n).
 */

/** `unnest($from::type[], …)` over consecutive parameters, one per given array type. */
export function unnest(from: number, types: readonly string[]): string {
  return `unnest(${types.map((type, i) => `$${from + i}::${type}[]`).join(', ')})`;
}

const STOCK_ORDER = 'ORDER BY organization_id, product_id, dims, data_source, measure';
const S_COLUMNS = STOCK_COLUMNS.split(', ')
  .map((c) => `s.${c}`)
  .join(', ');
const TEXT5 = ['text', 'text', 'text', 'text', 'text'];

/**
 * ($1 the lock keys) → takes the advisory lock of every key (deduplicated), in the order of the keys'
 * 64-bit hashes: every transaction takes its locks in that one global order, so overlapping key sets
 * never deadlock, even when two keys share a hash. Volatile functions in the target list run after the
 * ORDER BY. Sent right after BEGIN, in the transaction's first round trip (pipeline.ts).
 */
export const LOCK_KEYS = `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h
    FROM unnest($1::text[]) AS k) AS keys ORDER BY h`;

/** ($1 env, $2…$6 organization, product, dims, data source, measure arrays) → rows, in key order. */
export const READ_ROWS = `SELECT ${S_COLUMNS}
  FROM ${unnest(2, TEXT5)} WITH ORDINALITY AS k(organization_id, product_id, dims, data_source, measure, ord)
  JOIN stock s ON s.environment_id = $1 AND s.organization_id = k.organization_id
    AND s.product_id = k.product_id AND s.dims = k.dims AND s.data_source = k.data_source
    AND s.measure = k.measure
  ORDER BY k.ord, s.partition_id`;

/** READ_ROWS in the partitions $7 (an array) only: on Citus, the shards of those partitions only. */
export const READ_ROWS_IN = READ_ROWS.replace('ORDER BY', 'AND s.partition_id = ANY($7::text[])\n  ORDER BY');

/** ($1 env, $2…$11 the columns of row-mapping.stockColumns). */
export const UPSERT_ROWS = `INSERT INTO stock (environment_id, partition_id, organization_id, product_id, dims,
    site_id, location_id, data_source, measure, quantity, counted_at)
  SELECT $1::text, u.* FROM ${unnest(2, [...TEXT5, 'text', 'text', 'text', 'bigint', 'text'])} AS u
  ON CONFLICT (environment_id, partition_id, organization_id, product_id, dims, data_source, measure)
  DO UPDATE SET quantity = excluded.quantity, counted_at = excluded.counted_at`;

/** (env, org, product, partition) → every stock row of that product in that partition, in key order. */
export const READ_PRODUCT_ROWS = `SELECT ${STOCK_COLUMNS} FROM stock
  WHERE environment_id = $1 AND organization_id = $2 AND product_id = $3 AND partition_id = $4
  ORDER BY dims, data_source, measure`;

/**
 * ($1 env, $2…$4 organization, product and partition arrays, $5 the distinct partitions) → the stock rows
 * of those products. $5 repeats the partitions as one array so that Citus reads only their shards.
 */
export const READ_SCOPES_ROWS = `SELECT ${S_COLUMNS}
  FROM ${unnest(2, ['text', 'text', 'text'])} AS k(organization_id, product_id, partition_id)
  JOIN stock s ON s.environment_id = $1 AND s.organization_id = k.organization_id
    AND s.product_id = k.product_id AND s.partition_id = k.partition_id
  WHERE s.partition_id = ANY($5::text[])`;

/**
 * READ_SCOPES_ROWS (same parameters and rows) as one index lookup per key: the lateral subquery (kept
 * apart by OFFSET 0) makes each key's organization and product an index condition whatever the
 * table's statistics say (its ORDER BY is what steers a planner without statistics to stock_by_product;
 * the partition is then a filter over the product's rows until the table is analysed, when stock_pkey
 * takes all four). The join above lets a planner without statistics (a table that grew since it
 * was last analysed) scan the whole partition once per key. Plain PostgreSQL; Citus keeps the join.
 */
export const READ_SCOPES_ROWS_BY_KEY = `SELECT ${S_COLUMNS}
  FROM ${unnest(2, ['text', 'text', 'text'])} AS k(organization_id, product_id, partition_id),
  LATERAL (SELECT * FROM stock WHERE environment_id = $1 AND organization_id = k.organization_id
    AND product_id = k.product_id AND partition_id = k.partition_id
    ORDER BY dims, data_source, measure OFFSET 0) s
  WHERE s.partition_id = ANY($5::text[])`;

/** (env, partition ids) → the deleted stock rows; the partitions' reservations go with them. */
export const DELETE_PARTITIONS = `WITH gone AS (
    DELETE FROM reservations WHERE environment_id = $1 AND partition_id = ANY($2::text[])
  ), deleted AS (
    DELETE FROM stock WHERE environment_id = $1 AND partition_id = ANY($2::text[]) RETURNING ${STOCK_COLUMNS}
  )
  SELECT * FROM deleted ${STOCK_ORDER}`;

/** (env, family, event ids) → each event's seq, body hash, outcome and the commit mark of its transaction. */
export const FIND_EVENTS = `SELECT event_id, seq, coalesce(commit_id, seq) AS commit, body_hash, outcome, format
  FROM ledger
  WHERE environment_id = $1 AND family = $2 AND event_id IS NOT NULL AND event_id = ANY($3::text[])`;

/**
 * FIND_EVENTS (same parameters and rows) as one index lookup per distinct event id: with `= ANY` a
 * planner without statistics read every event of the family and filtered them. Plain PostgreSQL.
 */
export const FIND_EVENTS_BY_KEY = `SELECT l.event_id, l.seq, coalesce(l.commit_id, l.seq) AS commit, l.body_hash,
    l.outcome, l.format
  FROM (SELECT DISTINCT unnest($3::text[]) AS event_id) AS e,
  LATERAL (SELECT event_id, seq, commit_id, body_hash, outcome, format FROM ledger
    WHERE environment_id = $1 AND family = $2 AND event_id IS NOT NULL AND event_id = e.event_id OFFSET 0) l`;

/**
 * ($1…$13 the columns of row-mapping.ledgerColumns, $14 the transaction's commit id or NULL to draw one)
 * → the new seqs, each with the commit id. The seqs are drawn first and the n-th smallest goes to the
 * n-th entry, so sorting the returned seqs gives them in entry order. The same statement records the
 * commit in feed_commits (one row per environment, widened when a transaction appends twice), which is
 * what the sequencer stamps with positions once the transaction has committed.
 */
function appendLedger(columns: string): string {
  return `WITH cid AS (SELECT coalesce($14::bigint, nextval('ledger_seq')) AS commit_id),
  drawn AS (
    SELECT nextval('ledger_seq') AS seq FROM generate_series(1, cardinality($1::text[]))
  ), ranked AS (SELECT seq, row_number() OVER (ORDER BY seq) AS ord FROM drawn),
  inserted AS (
    INSERT INTO ledger (seq, environment_id, partition_id, family, event_id, body_hash, kind, recorded_at,
      request, outcome, changes, reference, client_id, format, commit_id)
    SELECT r.seq, u.environment_id, u.partition_id, u.family, u.event_id, u.body_hash, u.kind, u.recorded_at,
      u.request::json, u.outcome::json, u.changes::json, u.reference, u.client_id, u.format::smallint,
      (SELECT commit_id FROM cid)
    FROM ${columns} WITH ORDINALITY
      AS u(environment_id, partition_id, family, event_id, body_hash, kind, recorded_at, request, outcome,
        changes, reference, client_id, format, ord)
    JOIN ranked r ON r.ord = u.ord
    RETURNING seq, environment_id
  ), commits AS (
    INSERT INTO feed_commits (environment_id, commit_id, first_seq, last_seq, entries)
    SELECT environment_id, (SELECT commit_id FROM cid), min(seq), max(seq), count(*) FROM inserted
    GROUP BY environment_id
    ON CONFLICT (environment_id, commit_id) DO UPDATE SET
      first_seq = least(feed_commits.first_seq, excluded.first_seq),
      last_seq = greatest(feed_commits.last_seq, excluded.last_seq),
      entries = feed_commits.entries + excluded.entries
  )
  SELECT seq, (SELECT commit_id FROM cid) AS commit_id FROM inserted`;
}
export const APPEND_LEDGER = appendLedger(unnest(1, Array(13).fill('text')));

/**
 * APPEND_LEDGER with its JSON columns ($8 request, $9 outcome, $10 changes) each bound as one text, the
 * entries' texts joined by U+001F (ledger-json-columns.ts), split again with string_to_array: the same
 * rows, without an array literal to escape and parse for the largest columns.
 */
export const APPEND_LEDGER_JOINED = appendLedger(
  `unnest(${[1, 2, 3, 4, 5, 6, 7].map((n) => `$${n}::text[]`).join(', ')}, ` +
    `${[8, 9, 10].map((n) => `string_to_array($${n}::text, chr(31))`).join(', ')}, ` +
    `$11::text[], $12::text[], $13::text[])`,
);

/** (env) → one row when the environment holds a stock row or a scheduled change. */
export const HAS_STOCK = `SELECT 1 WHERE EXISTS (SELECT 1 FROM stock WHERE environment_id = $1)
  OR EXISTS (SELECT 1 FROM schedule WHERE environment_id = $1)`;
/** (env, dataSource, measure, dimension) → a row when a row with quantity ≠ 0 has that dimension. */
export const HAS_STOCK_WITH_DIMENSION = `SELECT 1 FROM stock WHERE environment_id = $1 AND data_source = $2
  AND measure = $3 AND quantity <> 0 AND (dims::jsonb) ? $4 LIMIT 1`;
/** (env) → the partitions holding stock or scheduled changes, sorted (UNION removes duplicates). */
export const LIST_PARTITION_IDS = `SELECT partition_id FROM stock WHERE environment_id = $1
  UNION SELECT partition_id FROM schedule WHERE environment_id = $1 ORDER BY partition_id`;
/** (env, afterSeq, limit). */
export const READ_LEDGER =
  'SELECT * FROM ledger WHERE environment_id = $1 AND seq > $2 ORDER BY seq LIMIT $3';
/** (env, reference, limit). */
export const READ_LEDGER_BY_REFERENCE = `SELECT * FROM ledger
  WHERE environment_id = $1 AND reference IS NOT NULL AND reference = $2 ORDER BY seq LIMIT $3`;

/** (env, reference, limit, partition) → READ_LEDGER_BY_REFERENCE in that partition only. */
export const READ_LEDGER_BY_REFERENCE_IN = `SELECT * FROM ledger
  WHERE environment_id = $1 AND reference IS NOT NULL AND reference = $2 AND partition_id = $4
  ORDER BY seq LIMIT $3`;

export const GET_ENVIRONMENT = 'SELECT * FROM environments WHERE environment_id = $1';
export const LIST_ENVIRONMENTS = 'SELECT * FROM environments ORDER BY environment_id';
/** (id, configuration, version, createdAt, updatedAt). */
export const INSERT_ENVIRONMENT = `INSERT INTO environments (environment_id, configuration, version, created_at,
  updated_at) VALUES ($1, $2::json, $3, $4, $5) ON CONFLICT (environment_id) DO NOTHING`;
/** (configuration, version, updatedAt, id, expectedVersion). */
export const REPLACE_ENVIRONMENT = `UPDATE environments SET configuration = $1::json, version = $2, updated_at = $3
  WHERE environment_id = $4 AND version = $5`;

export const GET_CLIENT = 'SELECT * FROM clients WHERE client_id = $1';
export const LIST_CLIENTS = 'SELECT * FROM clients ORDER BY client_id';
/** (id, secretHash, environments, admin, createdAt, revokedAt). */
export const INSERT_CLIENT = `INSERT INTO clients (client_id, secret_hash, environments, admin, roles,
  created_at, revoked_at) VALUES ($1, $2, $3::json, $4, $5::json, $6, $7) ON CONFLICT (client_id) DO NOTHING`;
/** (secretHash, environments, admin, revokedAt, id). */
export const UPDATE_CLIENT = `UPDATE clients SET secret_hash = $1, environments = $2::json, admin = $3,
  roles = $4::json, revoked_at = $5 WHERE client_id = $6`;

/** The optional lists of a readStock selector, in parameter order after ($1 env, $2 organizations). */
export const STOCK_FILTERS = [
  ['productIds', 'product_id'],
  ['siteIds', 'site_id'],
  ['locationIds', 'location_id'],
  ['partitionIds', 'partition_id'],
] as const;

const stockQueries = new Map<string, string>();

/** readStock with a filter for each named column (only the lists given), cached per combination. */
export function readStockSql(columns: readonly string[]): string {
  const cacheKey = columns.join(',');
  let sql = stockQueries.get(cacheKey);
  if (sql === undefined) {
    const where = ['environment_id = $1', 'organization_id = ANY($2::text[])'];
    for (const [i, column] of columns.entries()) where.push(`${column} = ANY($${i + 3}::text[])`);
    sql = `SELECT ${STOCK_COLUMNS} FROM stock WHERE ${where.join(' AND ')} ${STOCK_ORDER}`;
    stockQueries.set(cacheKey, sql);
  }
  return sql;
}
