import type Database from 'better-sqlite3';
import type { LocationGraph } from '../../../domain/oci/location-graph.js';
import type {
  ExclusionChange,
  OciGraphRecord,
  OciStore,
  RecordOutcome,
  SafetyStockRow,
} from '../../oci/oci-store.js';
import type { SqliteSideDeps } from '../side-deps.js';
import { replaceGraphIn } from './sqlite-oci-graph.js';
import { listSafetyStockIn, readGraphIn } from './sqlite-oci-reads.js';
import { listExclusions, listRecordOutcomes } from './sqlite-oci-transfer.js';

interface GraphRow {
  version: number | bigint;
  iv_organization_id: string;
  updated_at: string;
}

/** The prepared head query of getGraph, per reader connection. */
const graphHeads = new WeakMap<Database.Database, Database.Statement<[string], GraphRow>>();

/** The Omnichannel Inventory tables on SQLite (see OciStore). */
export class SqliteOci implements OciStore {
  constructor(private readonly deps: SqliteSideDeps) {}

  async getGraph(environmentId: string): Promise<OciGraphRecord | undefined> {
    const db = this.deps.reader();
    // Asked before IV reservations, once per environment and turn of the event loop (engine/oci/
    // oci-iv-guard.ts): the statement that answers "no graph" is prepared once per connection.
    let head = graphHeads.get(db);
    if (!head) {
      head = db.prepare<[string], GraphRow>(
        'SELECT version, iv_organization_id, updated_at FROM oci_graphs WHERE environment_id = ?',
      );
      graphHeads.set(db, head);
    }
    // Not remembered between calls: a graph is also written by store transactions and imports.
    if (!head.get(environmentId)) return undefined;
    // One read transaction: the rows match the version read.
    return db.transaction(() => readGraphIn(db, environmentId))();
  }

  async replaceGraph(
    environmentId: string,
    graph: LocationGraph,
    expectedVersion: number,
    updatedAt: string,
    removedGroups: readonly string[] = [],
  ): Promise<boolean | { inUse: string[] }> {
    return this.deps.write((db) =>
      db
        .transaction(() =>
          replaceGraphIn(db, environmentId, graph, expectedVersion, updatedAt, removedGroups),
        )
        .immediate(),
    );
  }

  async readSafetyStock(
    environmentId: string,
    skus: readonly string[],
    locationIds: readonly string[],
  ): Promise<SafetyStockRow[]> {
    if (skus.length === 0 || locationIds.length === 0) return [];
    return this.deps
      .reader()
      .prepare<[string, string, string], { location_id: string; sku: string; quantity: number | bigint }>(
        `SELECT location_id, sku, quantity FROM oci_safety_stock WHERE environment_id = ?
         AND sku IN (SELECT value FROM json_each(?)) AND location_id IN (SELECT value FROM json_each(?))`,
      )
      .safeIntegers(true)
      .all(environmentId, JSON.stringify(skus), JSON.stringify(locationIds))
      .map((r) => ({ locationId: r.location_id, sku: r.sku, quantity: BigInt(r.quantity) }));
  }

  async listSafetyStock(environmentId: string): Promise<SafetyStockRow[]> {
    return listSafetyStockIn(this.deps.reader(), environmentId);
  }

  async setSafetyStock(
    environmentId: string,
    rows: readonly SafetyStockRow[],
    updatedAt: string,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.deps.write((db) => {
      db.transaction(() => writeSafetyStock(db, environmentId, rows, updatedAt)).immediate();
    });
  }

  async getRecordOutcome(
    environmentId: string,
    recordId: string,
    sku: string,
  ): Promise<RecordOutcome | undefined> {
    const row = this.deps
      .reader()
      .prepare<[string, string, string], OutcomeRow>(
        `SELECT record_id, sku, location_id, request_hash, outcome, created_at FROM oci_record_outcomes
         WHERE environment_id = ? AND record_id = ? AND sku = ?`,
      )
      .get(environmentId, recordId, sku);
    return row ? outcomeOfRow(row) : undefined;
  }

  async saveRecordOutcome(environmentId: string, o: RecordOutcome): Promise<boolean> {
    return this.deps.write(
      (db) =>
        db
          .prepare(
            `INSERT INTO oci_record_outcomes (environment_id, record_id, sku, location_id, request_hash, outcome,
               created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          )
          .run(environmentId, o.recordId, o.sku, o.locationId, o.hash, o.outcome, o.createdAt).changes > 0,
    );
  }

  async readExclusions(
    environmentId: string,
    groupIds: readonly string[],
    skus: readonly string[],
  ): Promise<{ groupId: string; sku: string }[]> {
    if (groupIds.length === 0 || skus.length === 0) return [];
    return this.deps
      .reader()
      .prepare<[string, string, string], { group_id: string; sku: string }>(
        `SELECT group_id, sku FROM oci_segment_exclusions WHERE environment_id = ?
         AND group_id IN (SELECT value FROM json_each(?)) AND sku IN (SELECT value FROM json_each(?))`,
      )
      .all(environmentId, JSON.stringify(groupIds), JSON.stringify(skus))
      .map((r) => ({ groupId: r.group_id, sku: r.sku }));
  }

  async listExclusions(environmentId: string) {
    return listExclusions(this.deps.reader(), environmentId);
  }

  async listRecordOutcomes(
    environmentId: string,
    after: { recordId: string; sku: string } | null,
    limit: number,
  ) {
    return listRecordOutcomes(this.deps.reader(), environmentId, after, limit);
  }

  async changeExclusions(environmentId: string, changes: readonly ExclusionChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.deps.write((db) => {
      db.transaction(() => writeExclusions(db, environmentId, changes)).immediate();
    });
  }
}

/** Sets safety stock rows on a connection already inside a write transaction (0 deletes the row). */
export function writeSafetyStock(
  db: Database.Database,
  environmentId: string,
  rows: readonly SafetyStockRow[],
  updatedAt: string,
): void {
  const put = db.prepare(
    `INSERT INTO oci_safety_stock (environment_id, location_id, sku, quantity, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (environment_id, location_id, sku) DO UPDATE SET quantity = excluded.quantity,
       updated_at = excluded.updated_at`,
  );
  const remove = db.prepare(
    'DELETE FROM oci_safety_stock WHERE environment_id = ? AND location_id = ? AND sku = ?',
  );
  for (const r of rows) {
    if (r.quantity === 0n) remove.run(environmentId, r.locationId, r.sku);
    else put.run(environmentId, r.locationId, r.sku, r.quantity, updatedAt);
  }
}

/** Adds or removes exclusions on a connection already inside a write transaction. */
export function writeExclusions(
  db: Database.Database,
  environmentId: string,
  changes: readonly ExclusionChange[],
): void {
  const add = db.prepare(
    'INSERT INTO oci_segment_exclusions (environment_id, group_id, sku) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const remove = db.prepare(
    'DELETE FROM oci_segment_exclusions WHERE environment_id = ? AND group_id = ? AND sku = ?',
  );
  for (const c of changes) (c.excluded ? add : remove).run(environmentId, c.groupId, c.sku);
}

/** A record outcome row as both backends store it. */
export interface OutcomeRow {
  record_id: string;
  sku: string;
  location_id: string;
  request_hash: string;
  outcome: string;
  created_at: string;
}

export function outcomeOfRow(row: OutcomeRow): RecordOutcome {
  return {
    recordId: row.record_id,
    sku: row.sku,
    locationId: row.location_id,
    hash: row.request_hash,
    outcome: row.outcome,
    createdAt: row.created_at,
  };
}
