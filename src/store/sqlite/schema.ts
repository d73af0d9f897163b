import type Database from 'better-sqlite3';

/**
 * The SQLite schema as an ordered list of migrations. A migration is applied once, in its own
 * transaction, and recorded in schema_migrations; never edit a released migration, append a new one.
 *
 * Distribution-ready (design.md, Storage): every stock and ledger row carries environment_id and
 * partition_id, and the stock primary key includes both. Tables are STRICT so a quantity can only be
 * stored as a 64-bit integer of millionths.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
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
];

/**
 * Applies the migrations the database lacks, each in one BEGIN IMMEDIATE transaction (which also keeps
 * two processes starting at once from applying the same one twice). Idempotent.
 */
export function applyMigrations(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL) STRICT',
  );
  const applied = db.prepare<[number], { n: number | bigint }>(
    'SELECT count(*) AS n FROM schema_migrations WHERE version = ?',
  );
  const record = db.prepare<[number, string]>(
    'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)',
  );
  for (const migration of MIGRATIONS) {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (Number(applied.get(migration.version)?.n ?? 0) === 0) {
        db.exec(migration.sql);
        record.run(migration.version, new Date().toISOString());
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}
