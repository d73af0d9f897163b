import type pg from 'pg';
import { FEED_MIGRATION } from './feed/feed-schema.js';
import { MIGRATION_11 } from './ledger-format/migration-11.js';
import { MIGRATION_7 } from './migration-7.js';
import { MIGRATION_9 } from './migration-9.js';
import { MIGRATION_12 } from './migration-12.js';
import { MIGRATION_8 } from './oci/oci-schema.js';
import { MIGRATION_10 } from './oci-imports/migration-10.js';
import { MIGRATION_13 } from './oci-imports/migration-13.js';
import { WEBHOOKS_MIGRATION } from './webhooks/webhook-schema.js';

/** One step of the schema, recorded in schema_migrations under its version once applied. */
export interface Migration {
  readonly version: number;
  readonly sql: string;
  /**
   * Run instead of `sql` when this run created the database: no migration had been applied to it
   * before (a database another release made, even one holding no data yet, runs `sql`).
   */
  readonly whenCreated?: string;
}

/**
 * The PostgreSQL schema as an ordered list of migrations, the same tables and keys as SQLite's. A
 * migration is applied once, in its own transaction, and recorded in schema_migrations; never edit a
 * released migration, append a new one.
 *
 * - Every text column that is a key or an ordering column uses COLLATE "C", so comparisons and ORDER BY
 *   are byte order, as in SQLite, whatever the database's locale.
 * - Quantities are BIGINT millionths; times are ISO-8601 text (exact round trip, string order = time
 *   order). JSON columns are `json`, not `jsonb`: the stored text is returned unchanged, so a replayed
 *   outcome is byte-for-byte the first one (jsonb would reorder keys).
 *
 * Distribution on Citus (design.md, Storage), when one database is no longer enough: the layout, and
 * the keys it redefines before distributing, are in citus/citus-layout.ts (docs/operations.md,
 * "Distributing the tables (Citus)"). In short, every table whose rows belong to a partition is
 * distributed by partition_id in one co-located group, the others by environment_id or as reference
 * tables; a new unique index on a partition table must include partition_id.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE environments (
        environment_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        configuration JSON NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );

      -- fillfactor 90 leaves room in each page, so a quantity update (no indexed column changes) stays
      -- a HOT update on the same page.
      CREATE TABLE stock (
        environment_id TEXT COLLATE "C" NOT NULL,
        partition_id TEXT COLLATE "C" NOT NULL,
        organization_id TEXT COLLATE "C" NOT NULL,
        product_id TEXT COLLATE "C" NOT NULL,
        dims TEXT COLLATE "C" NOT NULL,
        site_id TEXT COLLATE "C" NOT NULL,
        location_id TEXT COLLATE "C" NOT NULL,
        data_source TEXT COLLATE "C" NOT NULL,
        measure TEXT COLLATE "C" NOT NULL,
        quantity BIGINT NOT NULL,
        counted_at TEXT COLLATE "C",
        PRIMARY KEY (environment_id, partition_id, organization_id, product_id, dims, data_source, measure)
      ) WITH (fillfactor = 90);
      -- Exact-key lookups (readRows, readProductRows) and readStock by product, in readStock's order.
      CREATE INDEX stock_by_product
        ON stock (environment_id, organization_id, product_id, dims, data_source, measure);
      -- readStock by site and location.
      CREATE INDEX stock_by_site ON stock (environment_id, organization_id, site_id, location_id);

      -- One sequence for every environment: a seq is never reused, so it is a cursor for the change feed.
      CREATE SEQUENCE ledger_seq AS BIGINT;
      CREATE TABLE ledger (
        seq BIGINT NOT NULL DEFAULT nextval('ledger_seq'),
        environment_id TEXT COLLATE "C" NOT NULL,
        partition_id TEXT COLLATE "C" NOT NULL,
        family TEXT COLLATE "C" NOT NULL,
        event_id TEXT COLLATE "C",
        body_hash TEXT COLLATE "C" NOT NULL,
        kind TEXT COLLATE "C" NOT NULL,
        recorded_at TEXT COLLATE "C" NOT NULL,
        request JSON NOT NULL,
        outcome JSON NOT NULL,
        -- LedgerChange[] with each delta as a decimal string of millionths.
        changes JSON NOT NULL,
        reference TEXT COLLATE "C",
        PRIMARY KEY (environment_id, seq)
      );
      ALTER SEQUENCE ledger_seq OWNED BY ledger.seq;
      -- Idempotency: an event id is recorded once per (environment, family).
      CREATE UNIQUE INDEX ledger_event_id
        ON ledger (environment_id, family, event_id) WHERE event_id IS NOT NULL;
      -- readLedgerByReference, in seq order.
      CREATE INDEX ledger_by_reference ON ledger (environment_id, reference, seq) WHERE reference IS NOT NULL;

      CREATE TABLE reservations (
        environment_id TEXT COLLATE "C" NOT NULL,
        partition_id TEXT COLLATE "C" NOT NULL,
        reservation_id TEXT COLLATE "C" NOT NULL,
        organization_id TEXT COLLATE "C" NOT NULL,
        product_id TEXT COLLATE "C" NOT NULL,
        dims TEXT COLLATE "C" NOT NULL,
        data_source TEXT COLLATE "C" NOT NULL,
        measure TEXT COLLATE "C" NOT NULL,
        quantity BIGINT NOT NULL,
        remaining BIGINT NOT NULL,
        expires_at TEXT COLLATE "C",
        status TEXT COLLATE "C" NOT NULL,
        event_id TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (environment_id, partition_id, reservation_id)
      );
      -- Lookups by id; a reservation id is unique per environment.
      CREATE UNIQUE INDEX reservations_by_id ON reservations (environment_id, reservation_id);
      -- readOpenReservations, in the order it returns them.
      CREATE INDEX reservations_open
        ON reservations (environment_id, organization_id, product_id, partition_id, created_at, reservation_id)
        WHERE remaining > 0;
      -- listDueReservations and nextExpiry, across environments, earliest expiry first.
      CREATE INDEX reservations_due ON reservations (expires_at, environment_id, reservation_id)
        WHERE remaining > 0 AND expires_at IS NOT NULL;

      CREATE TABLE clients (
        client_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        environments JSON NOT NULL,
        admin BOOLEAN NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        revoked_at TEXT COLLATE "C"
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- On-hand change schedules: the net quantity scheduled to change one measure on one date, keyed
      -- like stock plus the date. schedule_date is 'yyyy-MM-dd' (string order = date order); quantity is
      -- signed millionths; a row whose quantity nets to 0 is deleted, never stored.
      CREATE TABLE schedule (
        environment_id TEXT COLLATE "C" NOT NULL,
        partition_id TEXT COLLATE "C" NOT NULL,
        organization_id TEXT COLLATE "C" NOT NULL,
        product_id TEXT COLLATE "C" NOT NULL,
        dims TEXT COLLATE "C" NOT NULL,
        site_id TEXT COLLATE "C" NOT NULL,
        location_id TEXT COLLATE "C" NOT NULL,
        data_source TEXT COLLATE "C" NOT NULL,
        measure TEXT COLLATE "C" NOT NULL,
        schedule_date TEXT COLLATE "C" NOT NULL,
        quantity BIGINT NOT NULL,
        PRIMARY KEY (environment_id, partition_id, organization_id, product_id, dims, data_source, measure,
          schedule_date)
      ) WITH (fillfactor = 90);
      -- Exact-key lookups (readScheduleRows) and readSchedule by product, in readSchedule's order.
      CREATE INDEX schedule_by_product
        ON schedule (environment_id, organization_id, product_id, dims, data_source, measure, schedule_date);
      -- readSchedule by site and location.
      CREATE INDEX schedule_by_site ON schedule (environment_id, organization_id, site_id, location_id);
      -- readProductSchedule, in the order it returns rows.
      CREATE INDEX schedule_by_product_date
        ON schedule (environment_id, organization_id, product_id, partition_id, schedule_date, dims, data_source,
          measure);
      -- listScheduleScopes: the scopes of the rows dated before a day, without reading the table.
      CREATE INDEX schedule_by_date
        ON schedule (environment_id, schedule_date, organization_id, product_id, partition_id);
    `,
  },
  {
    version: 4,
    sql: `
      -- Roles per environment: a JSON object of environment id (or "*") to read, write or admin.
      -- Existing clients keep exactly what they could do: admin clients are admin on their
      -- environments, the others read and write there. environments and admin stay, derived from roles.
      ALTER TABLE clients ADD COLUMN roles JSON;
      UPDATE clients SET roles = (
        SELECT coalesce(json_object_agg(lower(e), CASE WHEN clients.admin THEN 'admin' ELSE 'write' END), '{}'::json)
        FROM json_array_elements_text(clients.environments) AS e
      );
    `,
  },
  { version: 5, sql: FEED_MIGRATION },
  { version: 6, sql: WEBHOOKS_MIGRATION },
  MIGRATION_7,
  MIGRATION_8,
  MIGRATION_9,
  MIGRATION_10,
  MIGRATION_11,
  MIGRATION_12,
  MIGRATION_13,
];

/** Advisory lock (two-int form, a key space apart from lock keys) held while migrating. */
const MIGRATION_LOCK = 'SELECT pg_advisory_xact_lock(1869506660, 1)';

/**
 * Applies the migrations the database lacks, each in its own transaction that first takes the
 * migration lock, so two processes starting at once apply each migration exactly once. Idempotent.
 * `migrations` defaults to all of them; tests pass a prefix to build an older database.
 */
export async function applyMigrations(
  pool: pg.Pool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const client = await pool.connect();
  let failure: unknown;
  // Whether this run created the database, known once the first migration holds the lock (Migration's
  // whenCreated). A process that starts beside the one creating it sees its first migrations applied,
  // so it counts the database as existing: what it then applies takes the path of an existing one.
  const run: { created?: boolean } = {};
  try {
    for (const migration of migrations) await applyOne(client, migration, run);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    client.release(failure instanceof Error ? failure : undefined);
  }
}

async function applyOne(
  client: pg.PoolClient,
  migration: Migration,
  run: { created?: boolean },
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(MIGRATION_LOCK);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    run.created ??= (await client.query('SELECT 1 FROM schema_migrations LIMIT 1')).rowCount === 0;
    const applied = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
      migration.version,
    ]);
    if (applied.rowCount === 0) {
      await client.query(run.created ? (migration.whenCreated ?? migration.sql) : migration.sql);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        migration.version,
        new Date().toISOString(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
