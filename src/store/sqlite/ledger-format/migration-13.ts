import type { Migration } from '../schema.js';

/** SQLite migration 13: the ledger's format 2 (store/ledger-format/entry-format.ts). */
export const MIGRATION_13: Migration = {
  version: 13,
  sql: `
    -- The entry's format (store/ledger-format/entry-format.ts); NULL for format 1, every entry before this.
    ALTER TABLE ledger ADD COLUMN format INTEGER;
    -- Which format servers write, and how far the conversion of format-1 entries has got (one row).
    -- A database that already holds environments keeps writing format 1, which servers of the previous
    -- release read, until the switch (onhand ledger-format switch); a new one writes format 2 at once.
    CREATE TABLE ledger_format (
      id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
      write_format INTEGER NOT NULL,
      switched_at TEXT,
      converted_through INTEGER NOT NULL,
      converted INTEGER NOT NULL
    ) STRICT;
    INSERT INTO ledger_format (id, write_format, switched_at, converted_through, converted)
      SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM environments) THEN 1 ELSE 2 END, NULL, 0, 0;
  `,
};
