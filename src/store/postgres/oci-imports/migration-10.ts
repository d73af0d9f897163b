import type { Migration } from '../schema.js';

/**
 * Migration 10: OCI availability imports (docs/oci.md, "Availability
 * imports"): the imports, the uploaded files in chunks of at most 1 MiB, and their result files' error lines.
 */
export const MIGRATION_10: Migration = {
  version: 10,
  sql: `
    CREATE TABLE oci_imports (
      environment_id TEXT COLLATE "C" NOT NULL,
      import_id TEXT COLLATE "C" NOT NULL,
      upload_link_id TEXT COLLATE "C" NOT NULL,
      file_name TEXT NOT NULL,
      file_encoding TEXT,
      file_hash TEXT,
      file_hash_type TEXT,
      link_expires_at TEXT COLLATE "C" NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL,
      state TEXT NOT NULL,
      uploaded_at TEXT COLLATE "C",
      file_bytes BIGINT NOT NULL,
      chunk_count INTEGER NOT NULL,
      validation_error TEXT,
      job_id TEXT,
      PRIMARY KEY (environment_id, import_id)
    );
    CREATE UNIQUE INDEX oci_imports_link ON oci_imports (environment_id, upload_link_id);

    CREATE TABLE oci_import_chunks (
      environment_id TEXT COLLATE "C" NOT NULL,
      import_id TEXT COLLATE "C" NOT NULL,
      seq INTEGER NOT NULL,
      data BYTEA NOT NULL,
      PRIMARY KEY (environment_id, import_id, seq)
    );

    CREATE TABLE oci_import_errors (
      environment_id TEXT COLLATE "C" NOT NULL,
      import_id TEXT COLLATE "C" NOT NULL,
      seq INTEGER NOT NULL,
      line TEXT NOT NULL,
      PRIMARY KEY (environment_id, import_id, seq)
    );
  `,
};
