import type { Migration } from '../schema.js';

/**
 * Migration 8: Omnichannel Inventory (docs/oci.md), as SQLite's migration 11. On Citus: every table
 * by environment_id.
 */
export const MIGRATION_8: Migration = {
  version: 8,
  sql: `
    CREATE TABLE oci_graphs (
      environment_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
      version BIGINT NOT NULL,
      iv_organization_id TEXT COLLATE "C" NOT NULL,
      updated_at TEXT COLLATE "C" NOT NULL
    );

    CREATE TABLE oci_locations (
      environment_id TEXT COLLATE "C" NOT NULL,
      location_id TEXT COLLATE "C" NOT NULL,
      position INTEGER NOT NULL,
      iv_organization_id TEXT COLLATE "C",
      iv_site_id TEXT COLLATE "C",
      iv_location_id TEXT COLLATE "C",
      PRIMARY KEY (environment_id, location_id)
    );

    CREATE TABLE oci_groups (
      environment_id TEXT COLLATE "C" NOT NULL,
      group_id TEXT COLLATE "C" NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (environment_id, group_id)
    );

    CREATE TABLE oci_group_members (
      environment_id TEXT COLLATE "C" NOT NULL,
      group_id TEXT COLLATE "C" NOT NULL,
      location_id TEXT COLLATE "C" NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (environment_id, group_id, location_id)
    );

    CREATE TABLE oci_safety_stock (
      environment_id TEXT COLLATE "C" NOT NULL,
      location_id TEXT COLLATE "C" NOT NULL,
      sku TEXT COLLATE "C" NOT NULL,
      quantity BIGINT NOT NULL,
      updated_at TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (environment_id, location_id, sku)
    );

    CREATE TABLE oci_record_outcomes (
      environment_id TEXT COLLATE "C" NOT NULL,
      record_id TEXT COLLATE "C" NOT NULL,
      sku TEXT COLLATE "C" NOT NULL,
      location_id TEXT COLLATE "C" NOT NULL,
      request_hash TEXT COLLATE "C" NOT NULL,
      outcome TEXT NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (environment_id, record_id, sku)
    );
    CREATE TABLE oci_segment_exclusions (
      environment_id TEXT COLLATE "C" NOT NULL,
      group_id TEXT COLLATE "C" NOT NULL,
      sku TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (environment_id, group_id, sku)
    );
  `,
};
