import type { Migration } from '../schema.js';

/**
 * Migration 11: Omnichannel Inventory (docs/oci.md). The location graph (keyed by environment),
 * safety stock per (environment, OCI location, SKU) and the first outcome of each record id with its
 * SKU, and the SKUs excluded from groups (product segmentation). Quantities are 64-bit integers of millionths, like stock.
 */
export const MIGRATION_11: Migration = {
  version: 11,
  sql: `
    CREATE TABLE oci_graphs (
      environment_id TEXT NOT NULL PRIMARY KEY,
      version INTEGER NOT NULL,
      iv_organization_id TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE oci_locations (
      environment_id TEXT NOT NULL,
      location_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      -- The IV place override; all NULL for the default mapping (docs/oci.md).
      iv_organization_id TEXT,
      iv_site_id TEXT,
      iv_location_id TEXT,
      PRIMARY KEY (environment_id, location_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE oci_groups (
      environment_id TEXT NOT NULL,
      group_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (environment_id, group_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE oci_group_members (
      environment_id TEXT NOT NULL,
      group_id TEXT NOT NULL,
      location_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (environment_id, group_id, location_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE oci_safety_stock (
      environment_id TEXT NOT NULL,
      location_id TEXT NOT NULL,
      sku TEXT NOT NULL,
      quantity INTEGER NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (environment_id, location_id, sku)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE oci_record_outcomes (
      environment_id TEXT NOT NULL,
      record_id TEXT NOT NULL,
      sku TEXT NOT NULL,
      location_id TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      outcome TEXT NOT NULL,
      created_at TEXT NOT NULL,
      PRIMARY KEY (environment_id, record_id, sku)
    ) STRICT, WITHOUT ROWID;
    -- Product segmentation: SKUs excluded from a group (spec §2.5).
    CREATE TABLE oci_segment_exclusions (
      environment_id TEXT NOT NULL,
      group_id TEXT NOT NULL,
      sku TEXT NOT NULL,
      PRIMARY KEY (environment_id, group_id, sku)
    ) STRICT, WITHOUT ROWID;
  `,
};
