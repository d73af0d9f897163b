import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

/*
 * What one ledger entry costs to write on SQLite, by format, against the machine's raw insert rate
 * (docs/benchmarks.md, issue 17). Each variant runs in a fresh file (WAL, synchronous=FULL), 512 events
 * per durable commit, and reports events/s:
 * - raw: one insert per event into a table without indexes (the physical limit);
 * - v1: the ledger row as format 1 writes it (JSON request, outcome and changes with key names, hex
 *   hash, three B-trees: the row, the event-id index, the by-environment index);
 * - v2: the same row as format 2 writes it (grouped changes, the plain success outcome left out; same
 *   indexes);
 * - batch: one row per commit and partition holding the entries, plus one compact event-id index
 *   entry per event (the format left for later, measured for comparison).
 * Usage: npx tsx bench/ledger-formats.ts [--seconds 5]
 */
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);

const V1_REQUEST = (id: string, p: string) =>
  `{"kind":"onhand.change","eventId":"${id}","organizationId":"usmf","productId":"${p}","dimensions":{"colorid":"red","locationid":"11","siteid":"1"},"partitionId":"1~11","values":[{"dataSource":"pos","measure":"inbound","value":"3000000"}],"countedAt":null}`;
const V1_OUTCOME = (id: string) => `{"id":"${id}","processingStatus":"success","message":""}`;
const V1_CHANGES = (p: string) =>
  `[{"organizationId":"usmf","productId":"${p}","dimensions":{"colorid":"red","locationid":"11","siteid":"1"},"dataSource":"pos","measure":"inbound","delta":"3000000"}]`;
/** Format 2: the request's own place is not repeated (store/ledger-format/entry-format.ts). */
const V2_CHANGES = (_p: string) => '[[null,[["pos","inbound","3000000"]]]]';
const HASH = 'ab'.repeat(32);

const LEDGER = `CREATE TABLE ledger (seq INTEGER PRIMARY KEY AUTOINCREMENT, environment_id TEXT NOT NULL,
  partition_id TEXT NOT NULL, family TEXT NOT NULL, event_id TEXT, body_hash TEXT NOT NULL, kind TEXT NOT NULL,
  recorded_at TEXT NOT NULL, request TEXT NOT NULL, outcome TEXT NOT NULL, changes TEXT NOT NULL, reference TEXT,
  fed_at TEXT, client_id TEXT, format INTEGER) STRICT;
  CREATE UNIQUE INDEX ledger_event_id ON ledger (environment_id, family, event_id) WHERE event_id IS NOT NULL;
  CREATE INDEX ledger_by_environment ON ledger (environment_id, seq);`;
const INSERT = `INSERT INTO ledger (environment_id, partition_id, family, event_id, body_hash, kind, recorded_at,
  request, outcome, changes, reference, fed_at, client_id, format) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`;

type Variant = { schema: string; batch: (db: Database.Database, b: number) => void };

function ids(b: number): [string, string][] {
  return Array.from({ length: 512 }, (_, i) => [
    `PO-${String(b).padStart(7, '0')}-${i}`,
    `P${(b * 512 + i) % 5000}`,
  ]);
}

const now = () => new Date().toISOString();
const variants: Record<string, Variant> = {
  raw: {
    schema:
      'CREATE TABLE raw (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, product_id TEXT NOT NULL, q INTEGER NOT NULL) STRICT',
    batch: (db, b) => {
      const s = db.prepare('INSERT INTO raw (event_id, product_id, q) VALUES (?, ?, ?)');
      for (const [id, p] of ids(b)) s.run(id, p, 3);
    },
  },
  v1: {
    schema: LEDGER,
    batch: (db, b) => {
      const s = db.prepare(INSERT);
      const t = now();
      for (const [id, p] of ids(b))
        s.run(
          'w1',
          '1~11',
          'onhand',
          id,
          HASH,
          'onhand.change',
          t,
          V1_REQUEST(id, p),
          V1_OUTCOME(id),
          V1_CHANGES(p),
          null,
          t,
          'bench',
          null,
        );
    },
  },
  v2: {
    schema: LEDGER,
    batch: (db, b) => {
      const s = db.prepare(INSERT);
      const t = now();
      for (const [id, p] of ids(b))
        s.run(
          'w1',
          '1~11',
          'onhand',
          id,
          HASH,
          'onhand.change',
          t,
          V1_REQUEST(id, p),
          'null',
          V2_CHANGES(p),
          null,
          t,
          'bench',
          2,
        );
    },
  },
  batch: {
    schema: `CREATE TABLE records (last_seq INTEGER PRIMARY KEY, environment_id TEXT NOT NULL, partition_id TEXT NOT NULL,
      family TEXT NOT NULL, recorded_at TEXT NOT NULL, fed_at TEXT NOT NULL, client_id TEXT, entries TEXT NOT NULL) STRICT;
      CREATE INDEX records_by_environment ON records (environment_id, last_seq);
      CREATE TABLE events (environment_id TEXT NOT NULL, family TEXT NOT NULL, event_id TEXT NOT NULL, seq INTEGER NOT NULL,
      body_hash BLOB NOT NULL, PRIMARY KEY (environment_id, family, event_id)) STRICT, WITHOUT ROWID;`,
    batch: (db, b) => {
      const t = now();
      const list = ids(b);
      const last = (b + 1) * 512;
      db.prepare('INSERT INTO records VALUES (?,?,?,?,?,?,?,?)').run(
        last,
        'w1',
        '1~11',
        'onhand',
        t,
        t,
        'bench',
        `[${list.map(([id, p]) => `[${V1_REQUEST(id, p)},null,${V2_CHANGES(p)}]`).join(',')}]`,
      );
      const e = db.prepare('INSERT INTO events VALUES (?,?,?,?,?)');
      const hash = Buffer.from(HASH, 'hex');
      for (const [i, [id]] of list.entries()) e.run('w1', 'onhand', id, last - 511 + i, hash);
    },
  },
};

for (const [name, variant] of Object.entries(variants)) {
  const dir = mkdtempSync(join(tmpdir(), 'onhand-ledger-formats-'));
  const db = new Database(join(dir, 'f.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(variant.schema);
  let batches = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    db.exec('BEGIN IMMEDIATE');
    variant.batch(db, batches++);
    db.exec('COMMIT');
  }
  const rate = (batches * 512) / ((performance.now() - start) / 1000);
  const pages =
    Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
  console.log(
    `${name.padEnd(6)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} events/s  ${Math.round(pages / (batches * 512))} bytes/event on disk`,
  );
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
