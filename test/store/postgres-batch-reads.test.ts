import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BY_KEY } from '../../src/store/postgres/batch-reads.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../support/backends.js';

/*
 * A reservation or on-hand batch reads its products' stock rows, their due reservations and its events'
 * ledger entries by key (src/store/postgres/batch-reads.ts). These reads must stay one index lookup per
 * key on tables that grew since they were last analysed (a fresh environment, a server with autovacuum
 * off): there the planner once read a whole partition, every open reservation of a hot product, or
 * every event of a family, per batch. The tables are filled here and never analysed.
 */

const postgresUrl = process.env.ONHAND_TEST_POSTGRES_URL ?? '';
const ENV = 'env-a';
const PARTITION = 'org1~s1~l1';

async function fill(db: pg.Client): Promise<void> {
  await db.query(
    `INSERT INTO stock (environment_id, partition_id, organization_id, product_id, dims, site_id,
      location_id, data_source, measure, quantity, counted_at)
    SELECT $1, $2, 'org1', 'p' || i, '{}', 's1', 'l1', 'iv', 'softreserved', 0, NULL
    FROM generate_series(1, 3000) i`,
    [ENV, PARTITION],
  );
  // A hot product: every reservation open, none of them with an expiry.
  await db.query(
    `INSERT INTO reservations (environment_id, partition_id, reservation_id, organization_id,
      product_id, dims, data_source, measure, quantity, remaining, expires_at, status, event_id, created_at,
      updated_at)
    SELECT $1, $2, 'r' || i, 'org1', 'p1', '{}', 'iv', 'softreserved', 1000000, 1000000, NULL, 'Active',
      'e' || i, '2026-12-04T00:00:00Z', '2026-12-04T00:00:00Z'
    FROM generate_series(1, 3000) i`,
    [ENV, PARTITION],
  );
  await db.query(
    `INSERT INTO ledger (seq, environment_id, partition_id, family, event_id, body_hash, kind,
      recorded_at, request, outcome, changes, format)
    SELECT nextval('ledger_seq'), $1, $2, 'reserve', 'e' || i, 'h', 'reservation.reserve',
      '2026-12-04T00:00:00Z', '{}', '{}', '[]', 1
    FROM generate_series(1, 3000) i`,
    [ENV, PARTITION],
  );
}

describe.skipIf(!postgresUrl)('PostgreSQL batch reads by key', () => {
  it('use one index lookup per key on tables never analysed', async () => {
    const database = await createTestDatabase();
    const store = await PostgresStore.connect({ connectionString: database.url });
    const db = new pg.Client({ connectionString: database.url });
    try {
      await store.migrate();
      await db.connect();
      await fill(db);
      const plan = async (text: string, values: unknown[]) =>
        (await db.query(`EXPLAIN ${text}`, values)).rows
          .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
          .join('\n');
      const keys = [
        ['org1', 'org1'],
        ['p1', 'p2'],
        [PARTITION, PARTITION],
      ];
      const rows = await plan(BY_KEY.scopesRows, [ENV, ...keys, [PARTITION]]);
      expect(rows).toMatch(/Index Cond: .*product_id = k\.product_id/);
      const due = await plan(BY_KEY.scopesDueReservations, [
        ENV,
        ...keys,
        '2026-12-05T00:00:00Z',
        [PARTITION],
      ]);
      expect(due).toMatch(/reservations_due_by_product/);
      const events = await plan(BY_KEY.findEvents, [ENV, 'reserve', ['e1', 'e2', 'e1']]);
      expect(events).toMatch(/Index Cond: .*event_id = /);
      // The rows themselves: each key once, a repeated event id answered once.
      const found = await db.query(BY_KEY.findEvents, [ENV, 'reserve', ['e1', 'e2', 'e1', 'x']]);
      expect(found.rows.map((r: { event_id: string }) => r.event_id).sort()).toEqual(['e1', 'e2']);
      const read = await db.query(BY_KEY.scopesRows, [ENV, ...keys, [PARTITION]]);
      expect(read.rows.map((r: { product_id: string }) => r.product_id).sort()).toEqual(['p1', 'p2']);
    } finally {
      await db.end();
      await store.close();
      await database.drop();
    }
  });
});
