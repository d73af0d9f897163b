import type { Migration } from '../schema.js';

/**
 * Migration 13: each claim of an OCI import's upload carries its own token (docs/oci.md, "Abandoned
 * uploads"), so an upload overtaken as abandoned can store, complete or release nothing more.
 */
export const MIGRATION_13: Migration = {
  version: 13,
  sql: 'ALTER TABLE oci_imports ADD COLUMN claim_id TEXT COLLATE "C";',
};
