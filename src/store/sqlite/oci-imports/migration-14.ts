import type { Migration } from '../schema.js';

/**
 * Migration 14: each claim of an OCI import's upload carries its own token (docs/oci.md, "Abandoned
 * uploads"), so an upload overtaken as abandoned can store, complete or release nothing more.
 */
export const MIGRATION_14: Migration = {
  version: 14,
  sql: 'ALTER TABLE oci_imports ADD COLUMN claim_id TEXT;',
};
