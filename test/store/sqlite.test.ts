import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS } from '../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { prepareReader, prepareWriter } from '../../src/store/sqlite/statements.js';
import { describeStoreConformance, type StoreHandle } from './conformance.js';
import { ENV, entry, reservation, row } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'onhand-sqlite-'));
let databases = 0;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh database file per test; `reopen` opens the same file again. */
async function openSqlite(): Promise<StoreHandle & { file: string }> {
  const file = join(dir, `store-${++databases}.db`);
  const opened: SqliteStore[] = [];
  const openOne = () => {
    const store = SqliteStore.open({ file });
    opened.push(store);
    return store;
  };
  return {
    file,
    store: openOne(),
    reopen: async () => openOne(),
    cleanup: async () => {
      for (const store of opened) await store.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
}

describeStoreConformance('sqlite', openSqlite);

it('sqlite keeps its database in WAL mode', async () => {
  const handle = await openSqlite();
  try {
    await handle.store.migrate();
    await handle.store.createClient({
      clientId: 'c',
      secretHash: 'h',
      roles: { '*': 'admin' },
      createdAt: '2024-01-01T00:00:00Z',
      revokedAt: null,
    });
    expect(existsSync(`${handle.file}-wal`)).toBe(true);
  } finally {
    await handle.cleanup();
  }
});

it('sqlite upgrades a database created by the first migration and keeps its ledger and stock', async () => {
  const handle = await openSqlite();
  try {
    const old = new Database(handle.file);
    applyMigrations(old, MIGRATIONS.slice(0, 1));
    // What the first release wrote: a ledger entry without the reference column, and a stock row.
    const { reference: _, ...legacy } = entry();
    old
      .prepare(
        `INSERT INTO ledger (environment_id, partition_id, family, event_id, body_hash, kind, recorded_at, request,
         outcome, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        ENV,
        legacy.partitionId,
        legacy.family,
        legacy.eventId,
        legacy.bodyHash,
        legacy.kind,
        legacy.recordedAt,
        JSON.stringify(legacy.request),
        JSON.stringify(legacy.outcome),
        JSON.stringify(legacy.changes.map((c) => ({ ...c, delta: c.delta.toString() }))),
      );
    old
      .prepare(
        `INSERT INTO stock (environment_id, partition_id, organization_id, product_id, dims, site_id, location_id,
         data_source, measure, quantity, counted_at) VALUES (?, 'org1~s1~l1', 'org1', 'p1', ?, 's1', 'l1', 'pos',
         'inbound', 5000000, NULL)`,
      )
      .run(ENV, JSON.stringify({ locationid: 'l1', siteid: 's1' }));
    expect(() => old.prepare('SELECT * FROM reservations').all()).toThrow();
    old.close();

    const { store } = handle;
    await store.migrate();
    const [seq] = (await store.readLedger(ENV, 0, 10)).map((r) => r.seq);
    expect(await store.readLedger(ENV, 0, 10)).toEqual([{ ...entry(), reference: null, seq }]);
    expect(await store.readStock(ENV, { organizationIds: ['org1'] })).toEqual([row()]);
    await store.transaction(['k'], async (tx) => {
      await tx.writeReservations(ENV, [reservation()]);
      await tx.appendLedger([entry({ eventId: 'e2', reference: 'r1' })]);
    });
    expect(await store.getReservation(ENV, 'r1')).toEqual(reservation());
    expect((await store.readLedgerByReference(ENV, 'r1', 10)).map((r) => r.eventId)).toEqual(['e2']);
    const check = new Database(handle.file, { readonly: true });
    const versions = check.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    check.close();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
  } finally {
    await handle.cleanup();
  }
});

it('sqlite serves reservation and reference reads from their indexes', async () => {
  const handle = await openSqlite();
  try {
    await handle.store.migrate();
    const db = new Database(handle.file, { readonly: true });
    try {
      const plan = (source: string, params: unknown[]) =>
        db
          .prepare(`EXPLAIN QUERY PLAN ${source}`)
          .all(...params)
          .map((r) => (r as { detail: string }).detail)
          .join('; ');
      const [reader, writer] = [prepareReader(db), prepareWriter(db)];
      const product = [ENV, 'org1', 'p1', 'org1~s1~l1'];
      expect(plan(writer.readOpenReservations.source, product)).toMatch(/USING INDEX reservations_open/);
      expect(plan(writer.readOpenReservations.source, product)).not.toMatch(/TEMP B-TREE/);
      expect(plan(writer.readReservations.source, [ENV, '["r1"]'])).toMatch(/reservations_by_id/);
      expect(plan(reader.getReservation.source, [ENV, 'r1'])).toMatch(/reservations_by_id/);
      expect(plan(reader.listDueReservations.source, ['2024-05-01', 10])).toMatch(/reservations_due/);
      expect(plan(reader.listDueReservations.source, ['2024-05-01', 10])).not.toMatch(/TEMP B-TREE/);
      expect(plan(reader.nextExpiry.source, [])).toMatch(/reservations_due/);
      expect(plan(reader.readLedgerByReference.source, [ENV, 'r1', 10])).toMatch(/ledger_by_reference/);
      expect(plan(reader.readLedgerByReference.source, [ENV, 'r1', 10])).not.toMatch(/TEMP B-TREE/);
      expect(plan(writer.deletePartitionReservations.source, [ENV, '["p"]'])).toMatch(/PRIMARY KEY|INDEX/);
    } finally {
      db.close();
    }
  } finally {
    await handle.cleanup();
  }
});

it('sqlite serves schedule reads from their indexes, whatever the selector and first date', async () => {
  const handle = await openSqlite();
  try {
    await handle.store.migrate();
    const db = new Database(handle.file, { readonly: true });
    try {
      const plan = (source: string, params: unknown[]) =>
        db
          .prepare(`EXPLAIN QUERY PLAN ${source}`)
          .all(...params)
          .map((r) => (r as { detail: string }).detail)
          .join('; ');
      const [reader, writer] = [prepareReader(db), prepareWriter(db)];
      const orgs = [ENV, '["org1"]'];
      const byProduct = /USING INDEX schedule_by_product \(/;
      expect(plan(reader.readSchedule(0, true).source, [...orgs, '2024-06-01'])).toMatch(byProduct);
      expect(plan(reader.readSchedule(0, false).source, orgs)).not.toMatch(/TEMP B-TREE/);
      expect(plan(reader.readSchedule(1, true).source, [...orgs, '["p1"]', '2024-06-01'])).toMatch(byProduct);
      expect(plan(reader.readSchedule(2, true).source, [...orgs, '["s1"]', '2024-06-01'])).toMatch(
        /schedule_by_site/,
      );
      expect(plan(reader.listScheduleScopes.source, [ENV, '2024-06-01', 10])).toMatch(/schedule_by_date/);
      const after = [ENV, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 10];
      expect(plan(reader.scheduleAfter.source, after)).toMatch(/PRIMARY KEY/);
      expect(plan(reader.scheduleAfter.source, after)).not.toMatch(/TEMP B-TREE/);
      const key = [ENV, 'org1', 'p1', '{}', 'pos', 'inbound', '2024-06-01'];
      expect(plan(writer.readScheduleRow.source, key)).toMatch(/schedule_by_product \(.*schedule_date=\?\)/);
      const product = [ENV, 'org1', 'p1', 'org1~s1~l1'];
      expect(plan(writer.readProductSchedule.source, product)).toMatch(/schedule_by_product_date/);
      expect(plan(writer.readProductSchedule.source, product)).not.toMatch(/TEMP B-TREE/);
      expect(plan(writer.selectPartitionSchedules.source, [ENV, '["p"]'])).toMatch(/PRIMARY KEY/);
      expect(plan(writer.deletePartitionSchedules.source, [ENV, '["p"]'])).toMatch(/PRIMARY KEY/);
    } finally {
      db.close();
    }
  } finally {
    await handle.cleanup();
  }
});
