import type { Migration } from './schema.js';

/**
 * Migration 7: the product catalogue (product-search queries), background jobs (the reservation
 * resync job, the log-history extract) and business-layer adjustment lines, as SQLite's migration 10.
 * On Citus: products and jobs by environment_id; adjustment_lines by environment_id (its key is the
 * environment-wide line id, which gives idempotency).
 */
export const MIGRATION_7: Migration = {
  version: 7,
  sql: `
    CREATE TABLE products (
      environment_id TEXT COLLATE "C" NOT NULL,
      product_id TEXT COLLATE "C" NOT NULL,
      record JSON NOT NULL,
      updated_at TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (environment_id, product_id)
    );

    CREATE TABLE jobs (
      environment_id TEXT COLLATE "C" NOT NULL,
      job_id TEXT COLLATE "C" NOT NULL,
      kind TEXT NOT NULL,
      status TEXT COLLATE "C" NOT NULL,
      request JSON NOT NULL,
      progress JSON NOT NULL,
      result JSON NOT NULL,
      message TEXT NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL,
      started_at TEXT COLLATE "C",
      completed_at TEXT COLLATE "C",
      attempts INTEGER NOT NULL,
      owner TEXT,
      lease_until TEXT COLLATE "C",
      PRIMARY KEY (environment_id, job_id)
    );
    CREATE INDEX jobs_waiting ON jobs (status, created_at) WHERE status IN ('Queued', 'Running');

    CREATE TABLE adjustment_lines (
      environment_id TEXT COLLATE "C" NOT NULL,
      line_id TEXT COLLATE "C" NOT NULL,
      partition_id TEXT COLLATE "C" NOT NULL,
      organization_id TEXT COLLATE "C" NOT NULL,
      product_id TEXT COLLATE "C" NOT NULL,
      data_source TEXT COLLATE "C" NOT NULL,
      measure TEXT COLLATE "C" NOT NULL,
      dims TEXT COLLATE "C" NOT NULL,
      quantity BIGINT NOT NULL,
      external_reference_category TEXT,
      external_reference_id TEXT,
      fno_journal_name_id TEXT,
      cost_price TEXT,
      trans_date TEXT,
      status TEXT COLLATE "C" NOT NULL,
      sync_status TEXT COLLATE "C" NOT NULL,
      message TEXT NOT NULL,
      body_hash TEXT NOT NULL,
      request JSON NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL,
      updated_at TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (environment_id, line_id)
    );
    CREATE INDEX adjustment_lines_by_status ON adjustment_lines (environment_id, status, sync_status, line_id);
    CREATE INDEX adjustment_lines_by_sync ON adjustment_lines (environment_id, sync_status, line_id);
  `,
};
