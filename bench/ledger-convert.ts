import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';

/*
 * How long the conversion of format-1 ledger entries to format 2 takes (docs/operations.md, "Upgrading
 * the ledger's format"): fills a fresh database with `--entries` format-1 entries shaped like W1's
 * (one on-hand change each, as the previous release wrote them), switches, and times
 * store.ledgerFormat.convert in steps of `--batch` until it is finished. Prints entries/s and the time
 * 10,000,000 entries would take at that rate.
 * Usage: npx tsx bench/ledger-convert.ts [--entries 200000] [--batch 5000] [--postgres-url postgres://…]
 *   [--skip-sqlite]
 */
const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '5000' },
    'postgres-url': { type: 'string' },
    'skip-sqlite': { type: 'boolean', default: false },
  },
});
const entries = Number(values.entries);
const batch = Number(values.batch);

const REQUEST = (i: number) =>
  `{"kind":"onhand.change","eventId":"PO-${i}","organizationId":"usmf","productId":"P${i % 5000}","dimensions":{"colorid":"red","locationid":"${11 + (i % 4)}","siteid":"1"},"partitionId":"usmf~1~${11 + (i % 4)}","values":[{"dataSource":"pos","measure":"inbound","value":"3000000"}],"countedAt":null}`;
const OUTCOME = (i: number) => `{"id":"PO-${i}","status":"success","message":""}`;
const CHANGES = (i: number) =>
  `[{"organizationId":"usmf","productId":"P${i % 5000}","dimensions":{"colorid":"red","locationid":"${11 + (i % 4)}","siteid":"1"},"dataSource":"pos","measure":"inbound","delta":"3000000"}]`;

async function convert(store: Store): Promise<void> {
  await store.ledgerFormat.writeNewest(new Date().toISOString());
  const start = performance.now();
  let converted = 0;
  for (;;) {
    const step = await store.ledgerFormat.convert(batch);
    converted += step.converted;
    if (step.finished) break;
  }
  const seconds = (performance.now() - start) / 1000;
  const rate = converted / seconds;
  console.log(
    `${store.kind}: ${converted.toLocaleString('en-US')} entries converted in ${seconds.toFixed(1)} s, ${Math.round(rate).toLocaleString('en-US')} entries/s; 10,000,000 entries at that rate: ${(10_000_000 / rate / 60).toFixed(0)} min`,
  );
}

async function onSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onhand-ledger-convert-'));
  try {
    const file = join(dir, 'onhand.db');
    let store = SqliteStore.open({ file });
    await store.migrate();
    await store.close();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const insert =
      db.prepare(`INSERT INTO ledger (environment_id, partition_id, family, event_id, body_hash, kind,
      recorded_at, request, outcome, changes, fed_at) VALUES ('w1', ?, 'onhand', ?, ?, 'onhand.change', ?, ?, ?, ?, ?)`);
    const at = new Date().toISOString();
    db.transaction(() => {
      for (let i = 0; i < entries; i++)
        insert.run(
          `usmf~1~${11 + (i % 4)}`,
          `PO-${i}`,
          'x'.repeat(43),
          at,
          REQUEST(i),
          OUTCOME(i),
          CHANGES(i),
          at,
        );
    })();
    db.close();
    store = SqliteStore.open({ file });
    await convert(store);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `onhand_ledger_convert_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  try {
    const store = await PostgresStore.connect({ connectionString: dbUrl.toString() });
    await store.migrate();
    const db = new pg.Client({ connectionString: dbUrl.toString() });
    await db.connect();
    for (let from = 0; from < entries; from += 50_000) {
      const n = Math.min(50_000, entries - from);
      const at = new Date().toISOString();
      await db.query(
        `INSERT INTO ledger (seq, environment_id, partition_id, family, event_id, body_hash, kind, recorded_at,
          request, outcome, changes)
        SELECT nextval('ledger_seq'), 'w1', u.partition, 'onhand', u.id, repeat('x', 43), 'onhand.change', $4,
          u.request::json, u.outcome::json, u.changes::json
        FROM unnest($1::text[], $2::text[], $3::text[], $5::text[], $6::text[]) AS u(id, request, outcome, changes,
          partition)`,
        [
          Array.from({ length: n }, (_, k) => `PO-${from + k}`),
          Array.from({ length: n }, (_, k) => REQUEST(from + k)),
          Array.from({ length: n }, (_, k) => OUTCOME(from + k)),
          at,
          Array.from({ length: n }, (_, k) => CHANGES(from + k)),
          Array.from({ length: n }, (_, k) => `usmf~1~${11 + ((from + k) % 4)}`),
        ],
      );
    }
    await db.query('VACUUM ANALYZE ledger');
    await db.end();
    await convert(store);
    await store.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (!values['skip-sqlite']) await onSqlite();
if (values['postgres-url']) await onPostgres(values['postgres-url']);
