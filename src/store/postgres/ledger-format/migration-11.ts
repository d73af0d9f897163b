/** PostgreSQL migration 11: the ledger's format 2 (store/ledger-format/entry-format.ts). */
export const LEDGER_FORMAT_MIGRATION = `
      -- The entry's format (store/ledger-format/entry-format.ts); NULL for format 1, every entry before this.
      -- Adding a nullable column without a default rewrites nothing: instant on a ledger of any size.
      ALTER TABLE ledger ADD COLUMN format SMALLINT;
      -- Which format servers write, and how far the conversion of format-1 entries has got (one row). A
      -- database that already holds environments may be shared with servers of the previous release
      -- during a rolling upgrade, which read format 1 only: it keeps writing format 1 until the switch
      -- (onhand ledger-format switch). A new database writes format 2 at once.
      CREATE TABLE ledger_format (
        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        write_format SMALLINT NOT NULL,
        switched_at TEXT COLLATE "C",
        -- The conversion's mark: the (environment, seq) of the last entry looked at, in key order.
        converted_environment TEXT COLLATE "C" NOT NULL,
        converted_through BIGINT NOT NULL,
        converted BIGINT NOT NULL
      );
      -- (A DO block: on Citus, environments is a reference table and ledger_format still a local one,
      -- which one INSERT … SELECT would join.)
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM environments) THEN
          INSERT INTO ledger_format VALUES (1, 1, NULL, '', 0, 0);
        ELSE
          INSERT INTO ledger_format VALUES (1, 2, NULL, '', 0, 0);
        END IF;
      END $$;
    `;
