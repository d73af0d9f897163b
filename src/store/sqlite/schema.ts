import type Database from 'better-sqlite3';
import { MIGRATION_13 } from './ledger-format/migration-13.js';
import { MIGRATION_10 } from './migration-10.js';
import { MIGRATION_11 } from './oci/oci-schema.js';
import { MIGRATION_12 } from './oci-imports/migration-12.js';
import { MIGRATION_14 } from './oci-imports/migration-14.js';
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
 * The SQLite schema as an ordered list of migrations. A migration is applied once, in its own
 * transaction, and recorded in schema_migrations; never edit a released migration, append a new one.
 *
 * Distribution-ready (design.md, Storage): every stock, schedule, reservation and ledger row carries
 * environment_id and partition_id, and the stock, schedule and reservation primary keys include both.
 * Tables are STRICT so a quantity can only be stored as a 64-bit integer of millionths.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE environments (
        environment_id TEXT NOT NULL PRIMARY KEY,
        configuration TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE stock (
        environment_id TEXT NOT NULL,
        partition_id TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        product_id TEXT NOT NULL,
        dims TEXT NOT NULL,
        site_id TEXT NOT NULL,
        location_id TEXT NOT NULL,
        data_source TEXT NOT NULL,
        measure TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        counted_at TEXT,
        PRIMARY KEY (environment_id, partition_id, organization_id, product_id, dims, data_source, measure)
      ) STRICT, WITHOUT ROWID;
      -- Exact-key lookups (readRows) and readStock by product, in the order readStock returns rows.
      CREATE INDEX stock_by_product
        ON stock (environment_id, organization_id, product_id, dims, data_source, measure);
      -- readStock by site and location.
      CREATE INDEX stock_by_site ON stock (environment_id, organization_id, site_id, location_id);

      -- AUTOINCREMENT: a seq is never reused, so it is a safe cursor for the change feed.
      CREATE TABLE ledger (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        environment_id TEXT NOT NULL,
        partition_id TEXT NOT NULL,
        family TEXT NOT NULL,
        event_id TEXT,
        body_hash TEXT NOT NULL,
        kind TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        request TEXT NOT NULL,
        outcome TEXT NOT NULL,
        changes TEXT NOT NULL
      ) STRICT;
      -- Idempotency: an event id is recorded once per (environment, family).
      CREATE UNIQUE INDEX ledger_event_id
        ON ledger (environment_id, family, event_id) WHERE event_id IS NOT NULL;
      CREATE INDEX ledger_by_environment ON ledger (environment_id, seq);

      CREATE TABLE clients (
        client_id TEXT NOT NULL PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        environments TEXT NOT NULL,
        admin INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
    `,
  },
  {
    version: 2,
    sql: `
      -- What an entry is about besides its event id (e.g. a reservation id); NULL for older entries.
      ALTER TABLE ledger ADD COLUMN reference TEXT;
      -- readLedgerByReference; seq (the rowid) completes every index entry, so rows come in seq order.
      CREATE INDEX ledger_by_reference ON ledger (environment_id, reference) WHERE reference IS NOT NULL;
    `,
  },
  {
    version: 3,
    sql: `
      -- Soft reservations. dims is the canonical dimensionsKey text, as in stock; quantity and remaining
      -- are millionths; expires_at is ISO-8601 UTC (string order = time order) or NULL for never.
      CREATE TABLE reservations (
        environment_id TEXT NOT NULL,
        partition_id TEXT NOT NULL,
        reservation_id TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        product_id TEXT NOT NULL,
        dims TEXT NOT NULL,
        data_source TEXT NOT NULL,
        measure TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        remaining INTEGER NOT NULL,
        expires_at TEXT,
        status TEXT NOT NULL,
        event_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (environment_id, partition_id, reservation_id)
      ) STRICT, WITHOUT ROWID;
      -- Lookups by id (getReservation, readReservations); a reservation id is unique per environment.
      CREATE UNIQUE INDEX reservations_by_id ON reservations (environment_id, reservation_id);
      -- readOpenReservations, in the order it returns them.
      CREATE INDEX reservations_open
        ON reservations (environment_id, organization_id, product_id, partition_id, created_at, reservation_id)
        WHERE remaining > 0;
      -- listDueReservations and nextExpiry, across environments, earliest expiry first.
      CREATE INDEX reservations_due ON reservations (expires_at, environment_id, reservation_id)
        WHERE remaining > 0 AND expires_at IS NOT NULL;
    `,
  },
  {
    version: 4,
    sql: `
      -- On-hand change schedules: the net quantity scheduled to change one measure on one date, keyed
      -- like stock plus the date. schedule_date is 'yyyy-MM-dd' (string order = date order); quantity is
      -- signed millionths; a row whose quantity nets to 0 is deleted, never stored.
      CREATE TABLE schedule (
        environment_id TEXT NOT NULL,
        partition_id TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        product_id TEXT NOT NULL,
        dims TEXT NOT NULL,
        site_id TEXT NOT NULL,
        location_id TEXT NOT NULL,
        data_source TEXT NOT NULL,
        measure TEXT NOT NULL,
        schedule_date TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        PRIMARY KEY (environment_id, partition_id, organization_id, product_id, dims, data_source, measure,
          schedule_date)
      ) STRICT, WITHOUT ROWID;
      -- Exact-key lookups (readScheduleRows) and readSchedule by product, in readSchedule's order.
      CREATE INDEX schedule_by_product
        ON schedule (environment_id, organization_id, product_id, dims, data_source, measure, schedule_date);
      -- readSchedule by site and location.
      CREATE INDEX schedule_by_site ON schedule (environment_id, organization_id, site_id, location_id);
      -- readProductSchedule, in the order it returns rows.
      CREATE INDEX schedule_by_product_date
        ON schedule (environment_id, organization_id, product_id, partition_id, schedule_date, dims, data_source,
          measure);
      -- listScheduleScopes: the rows dated before a day (the primary key columns complete each entry).
      CREATE INDEX schedule_by_date ON schedule (environment_id, schedule_date);
    `,
  },
  {
    version: 6,
    sql: `
      -- Roles per environment: a JSON object of environment id (or "*") to read, write or admin.
      -- Existing clients keep exactly what they could do: admin clients are admin on their
      -- environments, the others read and write there. environments and admin stay, derived from roles.
      ALTER TABLE clients ADD COLUMN roles TEXT;
      UPDATE clients SET roles = (
        SELECT json_group_object(lower(value), CASE WHEN clients.admin <> 0 THEN 'admin' ELSE 'write' END)
        FROM json_each(clients.environments)
      );
    `,
  },
  {
    version: 7,
    sql: `
      -- readSchedule of products at given sites or locations (what an ATP query of one store asks):
      -- the site and location are in the index, so rows of other stores are skipped without reading them.
      CREATE INDEX schedule_by_product_site
        ON schedule (environment_id, organization_id, product_id, site_id, location_id, schedule_date);
    `,
  },
  {
    version: 8,
    sql: `
      -- The change feed (docs/feed.md). On SQLite one transaction commits at a time, so an entry's seq is
      -- its feed position. fed_at: when the entry entered the feed (its commit), never decreasing with seq;
      -- NULL for entries written before this migration, whose recorded_at stands in for it.
      ALTER TABLE ledger ADD COLUMN fed_at TEXT;
      -- The client whose request made the entry; NULL for the service's own work (expiry, sweeps).
      ALTER TABLE ledger ADD COLUMN client_id TEXT;
      -- How far each follower that pushes to the outside world (webhooks, the NATS relay) has got.
      CREATE TABLE feed_followers (
        environment_id TEXT NOT NULL,
        follower_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (environment_id, follower_id)
      ) STRICT, WITHOUT ROWID;
      -- Single-use tickets that let a browser's EventSource follow the feed without a token in the URL.
      CREATE TABLE feed_tickets (
        ticket_hash TEXT NOT NULL PRIMARY KEY,
        environment_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      -- Leases that let one process at a time do a follower's work (a webhook's deliveries, a relay).
      CREATE TABLE feed_leases (
        name TEXT NOT NULL PRIMARY KEY,
        owner TEXT NOT NULL,
        until TEXT NOT NULL,
        -- Incremented whenever the lease changes hands: a fencing token for the holder's writes.
        generation INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      -- Checkpoints of the feed for as-of queries: the net change of every stored value over one span of
      -- positions (span s = positions s*size+1 … (s+1)*size), so a query as of a past position takes
      -- whole spans back instead of replaying each entry. schedule_date is '' for stock.
      CREATE TABLE feed_spans (
        environment_id TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        product_id TEXT NOT NULL,
        span INTEGER NOT NULL,
        partition_id TEXT NOT NULL,
        dims TEXT NOT NULL,
        site_id TEXT NOT NULL,
        location_id TEXT NOT NULL,
        data_source TEXT NOT NULL,
        measure TEXT NOT NULL,
        schedule_date TEXT NOT NULL,
        -- The exact integer of millionths as text: a net change can exceed 64 bits (twice the storable range).
        delta TEXT NOT NULL,
        created INTEGER NOT NULL,
        PRIMARY KEY (environment_id, organization_id, product_id, span, partition_id, dims, data_source, measure,
          schedule_date)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  { version: 9, sql: WEBHOOKS_MIGRATION },
  MIGRATION_10,
  MIGRATION_11,
  MIGRATION_12,
  MIGRATION_13,
  MIGRATION_14,
];

/**
 * Applies the migrations the database lacks, each in one BEGIN IMMEDIATE transaction (which also keeps
 * two processes starting at once from applying the same one twice). Idempotent. `migrations` defaults to
 * all of them; tests pass a prefix to build a database as an older release left it.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL) STRICT',
  );
  const applied = db.prepare<[number], { n: number | bigint }>(
    'SELECT count(*) AS n FROM schema_migrations WHERE version = ?',
  );
  const record = db.prepare<[number, string]>(
    'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)',
  );
  const created =
    Number(db.prepare<[], { n: number | bigint }>('SELECT count(*) AS n FROM schema_migrations').get()?.n) ===
    0;
  for (const migration of migrations) {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (Number(applied.get(migration.version)?.n ?? 0) === 0) {
        db.exec(created ? (migration.whenCreated ?? migration.sql) : migration.sql);
        record.run(migration.version, new Date().toISOString());
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}
