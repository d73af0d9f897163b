import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_QUERY_LIMITS } from '../../../src/domain/query/query-plan.js';
import { Engine } from '../../../src/engine/engine.js';
import { decodeLine } from '../../../src/engine/transfer/decode-line.js';
import { type LedgerRowText, toLedgerRecord } from '../../../src/store/ledger-codec.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import * as postgresSchema from '../../../src/store/postgres/schema.js';
import * as sqliteSchema from '../../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { LedgerEntry, Store } from '../../../src/store/store.js';
import { createTestDatabase, testPool } from '../../support/backends.js';

/*
 * The ledger-v1 fixtures (test/fixtures/ledger-v1, made by its make-fixtures.ts with the code of the last
 * release that wrote format 1): an old database of either backend restored as that release left it,
 * the requests that made it (so a test can send them again), and what its ledger held.
 */
export const FIXTURES = new URL('../../fixtures/ledger-v1/', import.meta.url).pathname;
export const ENV = 'legacy';
export const CLOCK = () => new Date('2026-12-03T12:30:00.000Z');

const AT = (location: string) => ({ siteId: '1', locationId: location });

/** The on-hand changes of the fixture, as they were sent (one bulk request). */
export const CHANGES = Array.from({ length: 12 }, (_, i) => ({
  path: `/${i}`,
  input: {
    id: `e${i}`,
    organizationId: 'usmf',
    productId: `p${i % 3}`,
    dimensions: { ...AT(i % 2 === 0 ? '11' : '12'), colorId: i % 4 < 2 ? 'red' : 'blue' },
    quantities: { pos: { inbound: 10 + i, outbound: i % 3 === 0 ? 1.5 : 0 } },
  },
}));

/** A reservation of the fixture, as it was sent. */
export const RESERVE_R1 = {
  path: '',
  input: {
    id: 'r1',
    organizationId: 'usmf',
    productId: 'p1',
    dimensions: { ...AT('12'), colorId: 'red' },
    quantityDataSource: 'iv',
    modifier: 'softreserved',
    quantity: 2,
    ifCheckAvailForReserv: true,
  },
};

/** The ledger entries of the fixture as its export file holds them, in position order. */
export function exportedLedger(): LedgerEntry[] {
  const lines = readFileSync(join(FIXTURES, 'export-v1.ndjson'), 'utf8').split('\n');
  const entries: LedgerEntry[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const record = decodeLine(text, i + 1);
    if (record.type === 'ledger') entries.push({ ...record.entry, environmentId: ENV });
  });
  return entries;
}

/** The ledger of the old database of `backend` (the PostgreSQL fixture holds other reservation ids). */
export function legacyLedger(backend: string): LedgerEntry[] {
  if (backend === 'sqlite') return exportedLedger();
  const dump = JSON.parse(readFileSync(join(FIXTURES, 'postgres-v1.json'), 'utf8')) as {
    tables: { ledger: Record<string, unknown>[] };
  };
  return dump.tables.ledger
    .sort((a, b) => Number(a.seq) - Number(b.seq))
    .map((r) =>
      toLedgerRecord({
        ...(r as unknown as LedgerRowText),
        request: JSON.stringify(r.request),
        outcome: JSON.stringify(r.outcome),
        changes: JSON.stringify(r.changes),
      }),
    );
}

/** An old database restored from the fixture: `open` opens a store on it (not migrated yet). */
export interface LegacyDatabase {
  open(): Promise<Store>;
  /** Runs SQL on the database directly (`?` placeholders on SQLite, `$n` on PostgreSQL); rows read. */
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** The SQLite file or the PostgreSQL URL. */
  readonly location: string;
}

/** Restores an old database of `backend` from the fixture; cleanups are pushed. */
export function legacyDatabase(backend: string, cleanups: (() => Promise<void>)[]): Promise<LegacyDatabase> {
  return database(backend, cleanups, true);
}

/** An empty database of `backend` (no schema yet); cleanups are pushed. */
export function freshDatabase(backend: string, cleanups: (() => Promise<void>)[]): Promise<LegacyDatabase> {
  return database(backend, cleanups, false);
}

async function database(
  backend: string,
  cleanups: (() => Promise<void>)[],
  legacy: boolean,
): Promise<LegacyDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'onhand-ledger-v1-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'onhand.db');
    if (legacy) copyFileSync(join(FIXTURES, 'onhand-v1.db'), file);
    return {
      location: file,
      open: async () => {
        const store = SqliteStore.open({ file });
        cleanups.unshift(() => store.close());
        return store;
      },
      sql: async (text, params = []) => {
        const db = new Database(file);
        try {
          const statement = db.prepare(text);
          if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
          statement.run(...params);
          return [];
        } finally {
          db.close();
        }
      },
    };
  }
  const created = await createTestDatabase();
  cleanups.push(created.drop);
  if (legacy) await restorePostgres(created.url);
  return {
    location: created.url,
    open: async () => {
      const store = await PostgresStore.connect({ connectionString: created.url });
      cleanups.unshift(() => store.close());
      return store;
    },
    sql: async (text, params = []) => {
      const client = new pg.Client({ connectionString: created.url });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    },
  };
}

/** A database with the schema of the release before format 2 and no rows (not migrated further). */
export async function emptyOldDatabase(
  backend: string,
  cleanups: (() => Promise<void>)[],
): Promise<LegacyDatabase> {
  const db = await freshDatabase(backend, cleanups);
  if (backend === 'sqlite') {
    const raw = new Database(db.location);
    sqliteSchema.applyMigrations(
      raw,
      sqliteSchema.MIGRATIONS.filter((m) => m.version < 13),
    );
    raw.close();
    return db;
  }
  const pool = testPool(db.location);
  try {
    await postgresSchema.applyMigrations(
      pool,
      postgresSchema.MIGRATIONS.filter((m) => m.version < 11),
    );
  } finally {
    await pool.end();
  }
  return db;
}

/** Opens a store on an old database of `backend` restored from the fixture (not migrated yet). */
export async function legacyStore(backend: string, cleanups: (() => Promise<void>)[]): Promise<Store> {
  return (await legacyDatabase(backend, cleanups)).open();
}

/** Restores postgres-v1.json: the schema versions it had, then every table's rows. */
export async function restorePostgres(url: string): Promise<void> {
  const dump = JSON.parse(readFileSync(join(FIXTURES, 'postgres-v1.json'), 'utf8')) as {
    versions: number[];
    tables: Record<string, unknown[]>;
  };
  const pool = testPool(url);
  try {
    await postgresSchema.applyMigrations(
      pool,
      postgresSchema.MIGRATIONS.filter((m) => dump.versions.includes(m.version)),
    );
    for (const [table, rows] of Object.entries(dump.tables)) {
      await pool.query(`DELETE FROM ${table}`);
      await pool.query(
        `INSERT INTO ${table} SELECT * FROM json_populate_recordset(null::${table}, $1::json)`,
        [JSON.stringify(rows)],
      );
    }
    await pool.query(
      `SELECT setval('ledger_seq', (SELECT max(greatest(seq, coalesce(commit_id, 0))) FROM ledger))`,
    );
  } finally {
    await pool.end();
  }
}

/** An engine on `store` (migrated, feed started). */
export async function engineOn(store: Store): Promise<Engine> {
  await store.migrate();
  await store.feed.start();
  return new Engine({ store, clock: CLOCK, limits: DEFAULT_QUERY_LIMITS });
}

/** The index query the tests ask, as of `asOf` when given. */
export function stockAnswer(engine: Engine, asOf?: string) {
  return engine.indexQuery(
    ENV,
    {
      filters: { organizationId: ['usmf'], productId: ['p0', 'p1', 'p2'] },
      groupByValues: ['siteId', 'locationId', 'colorId'],
      returnNegative: true,
    } as never,
    asOf === undefined ? {} : { asOf },
  );
}

/** Runs every cleanup step, in order, even when one fails (the database is still dropped); then rethrows the first failure. */
export async function runCleanups(cleanups: readonly (() => Promise<void>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const cleanup of cleanups) await cleanup().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
}
