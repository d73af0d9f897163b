import type { Migration } from '../schema.js';

/**
 * The SQL of migration 13, the new table starting at `writeFormat`. A database that existed before this
 * migration keeps writing format 1, which servers of the previous release read (they may share it during
 * a rolling upgrade, even while it holds no data yet), until the switch (onhand ledger-format switch); a
 * database this run creates writes format 2 at once.
 */
function ledgerFormatSql(writeFormat: 1 | 2): string {
  return `
    -- The entry's format (store/ledger-format/entry-format.ts); NULL for format 1, every entry before this.
    ALTER TABLE ledger ADD COLUMN format INTEGER;
    -- Which format servers write, and how far the conversion of format-1 entries has got (one row).
    CREATE TABLE ledger_format (
      id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
      write_format INTEGER NOT NULL,
      switched_at TEXT,
      converted_through INTEGER NOT NULL,
      converted INTEGER NOT NULL
    ) STRICT;
    INSERT INTO ledger_format (id, write_format, switched_at, converted_through, converted)
      VALUES (1, ${writeFormat}, NULL, 0, 0);
  `;
}

/** SQLite migration 13: the ledger's format 2 (store/ledger-format/entry-format.ts). */
export const MIGRATION_13: Migration = {
  version: 13,
  sql: ledgerFormatSql(1),
  whenCreated: ledgerFormatSql(2),
};
