import type { Migration } from './schema.js';

/**
 * Migration 10: the product catalogue (product-search queries), background jobs (the reservation
 * resync job, the log-history extract) and business-layer adjustment lines. Every key starts with the
 * environment; adjustment lines carry their partition id, like stock.
 */
export const MIGRATION_10: Migration = {
  version: 10,
  sql: `
    CREATE TABLE products (
      environment_id TEXT NOT NULL,
      product_id TEXT NOT NULL,
      -- The product's fields and attributes as JSON (ProductRecord without productId and updatedAt).
      record TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (environment_id, product_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE jobs (
      environment_id TEXT NOT NULL,
      job_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      status TEXT NOT NULL,
      request TEXT NOT NULL,
      progress TEXT NOT NULL,
      result TEXT NOT NULL,
      message TEXT NOT NULL,
      created_at TEXT NOT NULL,
      started_at TEXT,
      completed_at TEXT,
      attempts INTEGER NOT NULL,
      owner TEXT,
      lease_until TEXT,
      PRIMARY KEY (environment_id, job_id)
    ) STRICT, WITHOUT ROWID;
    -- claim: the oldest waiting job, or a running one whose lease ended.
    CREATE INDEX jobs_waiting ON jobs (status, created_at) WHERE status IN ('Queued', 'Running');

    CREATE TABLE adjustment_lines (
      environment_id TEXT NOT NULL,
      line_id TEXT NOT NULL,
      partition_id TEXT NOT NULL,
      organization_id TEXT NOT NULL,
      product_id TEXT NOT NULL,
      data_source TEXT NOT NULL,
      measure TEXT NOT NULL,
      dims TEXT NOT NULL,
      quantity INTEGER NOT NULL,
      external_reference_category TEXT,
      external_reference_id TEXT,
      fno_journal_name_id TEXT,
      cost_price TEXT,
      trans_date TEXT,
      status TEXT NOT NULL,
      sync_status TEXT NOT NULL,
      message TEXT NOT NULL,
      body_hash TEXT NOT NULL,
      request TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (environment_id, line_id)
    ) STRICT, WITHOUT ROWID;
    -- The connector reads lines by status and sync status, in id order.
    CREATE INDEX adjustment_lines_by_status ON adjustment_lines (environment_id, status, sync_status, line_id);
    CREATE INDEX adjustment_lines_by_sync ON adjustment_lines (environment_id, sync_status, line_id);
  `,
};
