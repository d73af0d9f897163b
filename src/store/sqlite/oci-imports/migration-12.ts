import type { Migration } from '../schema.js';

/**
 * Migration 12: OCI availability imports (docs/oci.md, "Availability imports"): the imports, the
 * uploaded files in chunks of at most 1 MiB, and the error lines of their result files.
 */
export const MIGRATION_12: Migration = {
  version: 12,
  sql: `
    CREATE TABLE oci_imports (
      environment_id TEXT NOT NULL,
      import_id TEXT NOT NULL,
      upload_link_id TEXT NOT NULL,
      file_name TEXT NOT NULL,
      file_encoding TEXT,
      file_hash TEXT,
      file_hash_type TEXT,
      link_expires_at TEXT NOT NULL,
      created_at TEXT NOT NULL,
      state TEXT NOT NULL,
      uploaded_at TEXT,
      file_bytes INTEGER NOT NULL,
      chunk_count INTEGER NOT NULL,
      validation_error TEXT,
      job_id TEXT,
      PRIMARY KEY (environment_id, import_id)
    ) STRICT, WITHOUT ROWID;
    CREATE UNIQUE INDEX oci_imports_link ON oci_imports (environment_id, upload_link_id);

    CREATE TABLE oci_import_chunks (
      environment_id TEXT NOT NULL,
      import_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (environment_id, import_id, seq)
    ) STRICT;

    CREATE TABLE oci_import_errors (
      environment_id TEXT NOT NULL,
      import_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      line TEXT NOT NULL,
      PRIMARY KEY (environment_id, import_id, seq)
    ) STRICT, WITHOUT ROWID;
  `,
};
