import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { dimensionsKey } from '../../src/domain/dimensions.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import {
  APPEND_LEDGER,
  FIND_EVENTS,
  LOCK_KEYS,
  READ_ROWS,
  UPSERT_ROWS,
} from '../../src/store/postgres/statements.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { prepareWriter } from '../../src/store/sqlite/statements.js';
import { postgresRawInserts, sqliteRawInserts } from './raw-insert.js';

/**
 * The storage ceiling: the statements the service issues for a write, driven directly against a fresh
 * database with the service's schema and durability settings, without HTTP, validation or the engine.
 * - bulk: one transaction per 512 on-hand events, as the on-hand batch issues it (find the event ids,
 *   read each touched row, upsert each row, append one ledger entry per event), events/s;
 * - reserve: one conditional UPDATE per reservation in its own (autocommit) transaction on one hot
 *   row, the classic "one statement per reservation" design, reservations/s;
 * - raw inserts: the machine's raw insert rate beside them (raw-insert.ts), events/s.
 */
export interface StorageCeilings {
  readonly bulkEventsPerSecond: number;
  /** One row per event into a table without indexes, 512 per durable commit (raw-insert.ts). */
  readonly rawInsertsPerSecond: number;
  readonly reservePerSecond: number;
  readonly reserveClients: number;
}

const ENV = 'ceiling';
const DIMS = { locationid: '11', siteid: '1' };
const REQUEST_JSON =
  '{"kind":"onhand.change","eventId":"X","organizationId":"usmf","productId":"P","partitionId":"1~11","dimensions":{"locationid":"11","siteid":"1"},"values":[{"dataSource":"pos","measure":"inbound","quantity":"1000000"}]}';
const HASH = 'a'.repeat(64);
/** Reserve condition: on hand (pos.inbound) minus reserved (iv.softreserved) stays ≥ 0. */
const RESERVE_SQLITE = `UPDATE stock SET quantity = quantity + ?
  WHERE environment_id = ? AND organization_id = 'usmf' AND product_id = 'HOT' AND dims = ? AND data_source = 'iv'
    AND measure = 'softreserved' AND (SELECT s.quantity FROM stock s WHERE s.environment_id = ?
    AND s.organization_id = 'usmf' AND s.product_id = 'HOT' AND s.dims = ? AND s.data_source = 'pos'
    AND s.measure = 'inbound') - quantity >= ?`;
const RESERVE_PG = `UPDATE stock SET quantity = quantity + $1
  WHERE environment_id = $2 AND organization_id = 'usmf' AND product_id = 'HOT' AND dims = $3 AND data_source = 'iv'
    AND measure = 'softreserved' AND (SELECT s.quantity FROM stock s WHERE s.environment_id = $4
    AND s.organization_id = 'usmf' AND s.product_id = 'HOT' AND s.dims = $5 AND s.data_source = 'pos'
    AND s.measure = 'inbound') - quantity >= $6`;

/**
 * Outcome and changes as the service writes an on-hand change in the ledger's format 2 (format 3 in the
 * column: the plain success is not stored; store/ledger-format/entry-format.ts).
 */
const CHANGES_JSON = '[[null,[["pos","inbound","1000000"]]]]';

/** Measures both SQLite ceilings in a fresh file under `dir` (WAL, synchronous=FULL). */
export async function sqliteCeilings(dir: string, seconds: number): Promise<StorageCeilings> {
  const file = join(dir, 'ceiling.db');
  const store = SqliteStore.open({ file });
  await store.migrate();
  await store.close();
  const db = new Database(file);
  db.defaultSafeIntegers(true);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const w = prepareWriter(db);
  const dims = dimensionsKey(DIMS);
  let events = 0;
  let batch = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    w.begin.run();
    const ids = Array.from({ length: 512 }, (_, i) => `b${batch}-${i}`);
    w.findEvents.all(ENV, 'onhand', JSON.stringify(ids));
    for (const [i, id] of ids.entries()) {
      const product = `P${(batch * 512 + i) % 5000}`;
      const found = w.readRow.all(ENV, 'usmf', product, dims, 'pos', 'inbound');
      const quantity = (found[0]?.quantity ?? 0n) + 1_000_000n;
      w.upsertRow.run(ENV, '1~11', 'usmf', product, dims, '1', '11', 'pos', 'inbound', quantity, null);
      w.insertLedger.run(
        ENV,
        '1~11',
        'onhand',
        id,
        HASH,
        'onhand.change',
        new Date().toISOString(),
        REQUEST_JSON,
        'null',
        CHANGES_JSON,
        null,
        'bench',
        new Date().toISOString(),
        3,
      );
    }
    w.commit.run();
    events += 512;
    batch++;
  }
  const bulk = events / ((performance.now() - start) / 1000);

  w.upsertRow.run(ENV, '1~11', 'usmf', 'HOT', dims, '1', '11', 'pos', 'inbound', 10n ** 15n, null);
  w.upsertRow.run(ENV, '1~11', 'usmf', 'HOT', dims, '1', '11', 'iv', 'softreserved', 0n, null);
  const reserve = db.prepare(RESERVE_SQLITE);
  let granted = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < Math.min(seconds, 3) * 1000) {
    granted += reserve.run(1_000_000n, ENV, dims, ENV, dims, 1_000_000n).changes;
  }
  const reservePerSecond = granted / ((performance.now() - t0) / 1000);
  const rawInsertsPerSecond = sqliteRawInserts(db, seconds);
  db.close();
  return { bulkEventsPerSecond: bulk, rawInsertsPerSecond, reservePerSecond, reserveClients: 1 };
}

/** Measures both PostgreSQL ceilings in the given (fresh) database, synchronous commit on. */
export async function postgresCeilings(url: string, seconds: number): Promise<StorageCeilings> {
  const store = await PostgresStore.connect({
    connectionString: url,
    poolSize: 2,
    statementTimeoutMs: 60_000,
  });
  await store.migrate();
  await store.close();
  const pool = new pg.Pool({ connectionString: url, max: 64 });
  const dims = dimensionsKey(DIMS);
  try {
    let events = 0;
    let batchNo = 0;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const worker = async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          const b = batchNo++;
          const ids = Array.from({ length: 512 }, (_, i) => `b${b}-${i}`);
          const products = ids.map((_, i) => `P${(b * 512 + i) % 5000}`);
          const keys = products.map((p) => `${ENV}|usmf|${p}|1~11`);
          await client.query(beginSql(keys, (v) => client.escapeLiteral(v)));
          await client.query(FIND_EVENTS, [ENV, 'onhand', ids]);
          const n = ids.length;
          const fill = <T>(v: T) => Array<T>(n).fill(v);
          await client.query(READ_ROWS, [
            ENV,
            fill('usmf'),
            products,
            fill(dims),
            fill('pos'),
            fill('inbound'),
          ]);
          await client.query(UPSERT_ROWS, [
            ENV,
            fill('1~11'),
            fill('usmf'),
            products,
            fill(dims),
            fill('1'),
            fill('11'),
            fill('pos'),
            fill('inbound'),
            fill('1000000'),
            fill(null),
          ]);
          const now = new Date().toISOString();
          await client.query(APPEND_LEDGER, [
            fill(ENV),
            fill('1~11'),
            fill('onhand'),
            ids,
            fill(HASH),
            fill('onhand.change'),
            fill(now),
            fill(REQUEST_JSON),
            fill('null'),
            fill(CHANGES_JSON),
            fill(null),
            fill('bench'),
            fill('3'),
            null,
          ]);
          await client.query('COMMIT');
          events += n;
        }
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const bulk = events / ((performance.now() - start) / 1000);

    await pool.query(
      `INSERT INTO stock (environment_id, partition_id, organization_id, product_id, dims, site_id,
      location_id, data_source, measure, quantity, counted_at) VALUES
      ($1, '1~11', 'usmf', 'HOT', $2, '1', '11', 'pos', 'inbound', 1000000000000000, NULL),
      ($1, '1~11', 'usmf', 'HOT', $2, '1', '11', 'iv', 'softreserved', 0, NULL)`,
      [ENV, dims],
    );
    let granted = 0;
    const t0 = performance.now();
    const end = t0 + Math.min(seconds, 3) * 1000;
    const reserver = async () => {
      while (performance.now() < end) {
        const result = await pool.query(RESERVE_PG, ['1000000', ENV, dims, ENV, dims, '1000000']);
        granted += result.rowCount ?? 0;
      }
    };
    await Promise.all(Array.from({ length: 64 }, reserver));
    const reservePerSecond = granted / ((performance.now() - t0) / 1000);
    const rawInsertsPerSecond = await postgresRawInserts(pool, seconds);
    return { bulkEventsPerSecond: bulk, rawInsertsPerSecond, reservePerSecond, reserveClients: 64 };
  } finally {
    await pool.end();
  }
}

/**
 * BEGIN and the lock keys' advisory locks in one simple-query round trip (the keys inlined as escaped
 * literals), as the store took them before its transactions were pipelined: the ceiling stays the same
 * measurement from run to run.
 */
function beginSql(lockKeys: readonly string[], escapeLiteral: (value: string) => string): string {
  const keys = [...new Set(lockKeys)].map(escapeLiteral).join(', ');
  return `BEGIN; ${LOCK_KEYS.replace('$1::text[]', `ARRAY[${keys}]::text[]`)}`;
}
