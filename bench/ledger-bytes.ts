import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Engine } from '../src/engine/engine.js';
import { openServices } from '../src/main.js';
import { loadSettings } from '../src/settings.js';

/*
 * Disk per ledger entry, for sizing (docs/operations.md, "Disk"). Writes `--entries` on-hand change
 * events (ERP-like: 512 per bulk request, event ids like "PO-0001234-17", 5,000 products at 4
 * locations, one colour, one measure) through the engine of a real store, feed sequencer running, and
 * reports the growth of the ledger table (with its indexes and TOAST) and of the whole database, per
 * entry; on PostgreSQL also the WAL written per entry (the volume of WAL archiving) and the size of a
 * pg_dump in the custom format (the volume of logical backups).
 * Usage: npx tsx bench/ledger-bytes.ts [--entries 100000] [--postgres-url postgres://…/any-database]
 * (a fresh database is created next to the one named, and dropped at the end).
 */
const { values } = parseArgs({
  options: { entries: { type: 'string', default: '100000' }, 'postgres-url': { type: 'string' } },
});
const entries = Number(values.entries);
const serverUrl = values['postgres-url'];
const ENV = 'sizing';
const dataDir = mkdtempSync(join(tmpdir(), 'onhand-ledger-bytes-'));

function bodies(request: number): { input: unknown; path: string }[] {
  return Array.from({ length: 512 }, (_, i) => {
    const n = request * 512 + i;
    return {
      path: `/${i}`,
      input: {
        id: `PO-${String(request).padStart(7, '0')}-${i}`,
        organizationId: 'usmf',
        productId: `P${n % 5000}`,
        dimensions: { siteId: '1', locationId: String(11 + (n % 4)), colorId: 'red' },
        quantities: { pos: { inbound: 1 + (n % 7) } },
      },
    };
  });
}

async function write(engine: Engine, count: number): Promise<void> {
  let next = 0;
  const requests = Math.ceil(count / 512);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let r = next++; r < requests; r = next++) {
        const outcomes = await engine.changeOnHand(ENV, bodies(r) as Parameters<Engine['changeOnHand']>[1]);
        const failed = outcomes.find((o) => o.status !== 'success');
        if (failed) throw new Error(`an event failed: ${JSON.stringify(failed)}`);
      }
    }),
  );
}

interface Sizes {
  readonly ledger: number;
  readonly database: number;
  readonly wal?: bigint;
  /** Size of a pg_dump of the database in the custom format (compressed), when pg_dump is installed. */
  readonly dump?: number | undefined;
}

async function onPostgres(): Promise<{ before: Sizes; after: Sizes }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `onhand_ledger_bytes_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl as string);
  url.pathname = `/${name}`;
  try {
    const services = await openServices(
      loadSettings({}, { ONHAND_DATA_DIR: dataDir, ONHAND_DATABASE_URL: url.toString() }),
    );
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    const sizes = async (): Promise<Sizes> => {
      const { rows } = await db.query<{ ledger: string; database: string; wal: string }>(
        `SELECT pg_total_relation_size('ledger') AS ledger, pg_database_size(current_database()) AS database,
                pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS wal`,
      );
      const row = rows[0]!;
      return {
        ledger: Number(row.ledger),
        database: Number(row.database),
        wal: BigInt(row.wal.split('.')[0]!),
      };
    };
    await services.engine.environments.create(ENV);
    await write(services.engine, 512 * 4); // every table and index exists and holds a few pages
    await db.query('VACUUM ANALYZE');
    const before = await sizes();
    await write(services.engine, entries);
    // Let autovacuum's work (the stamped feed_commits rows) be part of it, as in production.
    await db.query('VACUUM ANALYZE');
    const after = { ...(await sizes()), dump: dumpSize(url.toString()) };
    await db.end();
    await services.engine.drain();
    await services.store.close();
    return { before, after };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** Bytes of `pg_dump --format=custom` of the database, or undefined without pg_dump. */
function dumpSize(url: string): number | undefined {
  const file = join(dataDir, 'sizing.dump');
  const result = spawnSync('pg_dump', ['--format=custom', `--file=${file}`, url], { encoding: 'utf8' });
  return result.status === 0 ? statSync(file).size : undefined;
}

async function onSqlite(): Promise<{ before: Sizes; after: Sizes }> {
  const file = join(dataDir, 'onhand.db');
  const sizes = (): Sizes => {
    const db = new Database(file);
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
      const ledger = db
        .prepare(
          `SELECT sum(pgsize) AS bytes FROM dbstat WHERE name = 'ledger'
             OR name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'ledger' AND type = 'index')`,
        )
        .get() as { bytes: number };
      return { ledger: ledger.bytes, database: statSync(file).size };
    } finally {
      db.close();
    }
  };
  const open = () => openServices(loadSettings({}, { ONHAND_DATA_DIR: dataDir }));
  let services = await open();
  await services.engine.environments.create(ENV);
  await write(services.engine, 512 * 4);
  await services.engine.drain();
  await services.store.close();
  const before = sizes();
  services = await open();
  await write(services.engine, entries);
  await services.engine.drain();
  await services.store.close();
  return { before, after: sizes() };
}

try {
  const { before, after } = serverUrl ? await onPostgres() : await onSqlite();
  const per = (a: number, b: number) => ((a - b) / entries).toFixed(0);
  console.log(`${serverUrl ? 'PostgreSQL' : 'SQLite'}, ${entries.toLocaleString('en')} ledger entries:`);
  console.log(`  ledger table with its indexes: ${per(after.ledger, before.ledger)} bytes per entry`);
  console.log(`  whole database:                ${per(after.database, before.database)} bytes per entry`);
  if (after.wal !== undefined && before.wal !== undefined)
    console.log(
      `  WAL written (whole cluster):   ${per(Number(after.wal), Number(before.wal))} bytes per entry`,
    );
  if (after.dump !== undefined)
    console.log(
      `  pg_dump --format=custom:       ${(after.dump / entries).toFixed(0)} bytes per entry (whole database)`,
    );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
