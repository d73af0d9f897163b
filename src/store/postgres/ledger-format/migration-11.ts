import type { Migration } from '../schema.js';

/**
 * The SQL of migration 11, the new table starting at `writeFormat`. A database that existed before this
 * migration may be shared with servers of the previous release during a rolling upgrade (even while it
 * holds no data yet), which read format 1 only: it keeps writing format 1 until the switch (onhand
 * ledger-format switch). A database this run creates writes format 2 at once.
 */
function ledgerFormatSql(writeFormat: 1 | 2): string {
  return `
      -- The entry's format (store/ledger-format/entry-format.ts); NULL for format 1, every entry before this.
      -- Adding a nullable column without a default rewrites nothing: instant on a ledger of any size.
      ALTER TABLE ledger ADD COLUMN format SMALLINT;
      -- Which format servers write, and how far the conversion of format-1 entries has got (one row).
      CREATE TABLE ledger_format (
        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        write_format SMALLINT NOT NULL,
        switched_at TEXT COLLATE "C",
        -- The conversion's mark: the (environment, seq) of the last entry looked at, in key order.
        converted_environment TEXT COLLATE "C" NOT NULL,
        converted_through BIGINT NOT NULL,
        converted BIGINT NOT NULL
      );
      INSERT INTO ledger_format VALUES (1, ${writeFormat}, NULL, '', 0, 0);
    `;
}

/** PostgreSQL migration 11: the ledger's format 2 (store/ledger-format/entry-format.ts). */
export const MIGRATION_11: Migration = {
  version: 11,
  sql: ledgerFormatSql(1),
  whenCreated: ledgerFormatSql(2),
};
