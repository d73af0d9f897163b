import type Database from 'better-sqlite3';
import type pg from 'pg';

/*
 * The machine's raw insert rate (issue 17): one row inserted per event into a table without any index,
 * 512 events per durable commit, the physical limit any ledger format is measured against. Run on the
 * connection and with the durability settings of the storage ceiling it belongs to.
 */

const TABLE =
  'CREATE TABLE raw_inserts (event_id TEXT NOT NULL, product_id TEXT NOT NULL, quantity BIGINT NOT NULL)';

/** SQLite: one INSERT statement per event, BEGIN IMMEDIATE … COMMIT per 512; events/s. */
export function sqliteRawInserts(db: Database.Database, seconds: number): number {
  db.exec(TABLE);
  const insert = db.prepare('INSERT INTO raw_inserts (event_id, product_id, quantity) VALUES (?, ?, ?)');
  let events = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < 512; i++) insert.run(`raw-${events + i}`, `P${(events + i) % 5000}`, 1_000_000);
    db.exec('COMMIT');
    events += 512;
  }
  return events / ((performance.now() - start) / 1000);
}

/**
 * PostgreSQL: 4 writers, each commit one statement inserting 512 rows (one per event) from arrays, as
 * the bulk ceiling issues its statements there; events/s.
 */
export async function postgresRawInserts(pool: pg.Pool, seconds: number): Promise<number> {
  await pool.query(TABLE);
  let events = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const writer = async () => {
    while (performance.now() < deadline) {
      const first = events;
      events += 512;
      const ids = Array.from({ length: 512 }, (_, i) => `raw-${first + i}`);
      await pool.query(
        `INSERT INTO raw_inserts (event_id, product_id, quantity)
         SELECT id, 'P' || (ord % 5000), 1000000 FROM unnest($1::text[]) WITH ORDINALITY AS u(id, ord)`,
        [ids],
      );
    }
  };
  await Promise.all(Array.from({ length: 4 }, writer));
  return events / ((performance.now() - start) / 1000);
}
