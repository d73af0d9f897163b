import type Database from 'better-sqlite3';
import { overrideColumns } from '../../oci/oci-rows.js';
import type { OciGraphRecord, RecordOutcome, SafetyStockRow } from '../../oci/oci-store.js';
import { type OutcomeRow, outcomeOfRow } from './sqlite-oci.js';

/*
 * The OCI statements of a full export and import (engine/transfer), and the safety stock read of a
 * transaction (the reservation guard), on SQLite.
 */

/** Every exclusion of the environment, in (group, SKU) order. */
export function listExclusions(db: Database.Database, environmentId: string) {
  return db
    .prepare<[string], { group_id: string; sku: string }>(
      'SELECT group_id, sku FROM oci_segment_exclusions WHERE environment_id = ? ORDER BY group_id, sku',
    )
    .all(environmentId)
    .map((r) => ({ groupId: r.group_id, sku: r.sku }));
}

/** A page of record outcomes in (record id, SKU) order. */
export function listRecordOutcomes(
  db: Database.Database,
  environmentId: string,
  after: { recordId: string; sku: string } | null,
  limit: number,
): RecordOutcome[] {
  const columns = 'record_id, sku, location_id, request_hash, outcome, created_at';
  const rows = after
    ? db
        .prepare<[string, string, string, number], OutcomeRow>(
          `SELECT ${columns} FROM oci_record_outcomes WHERE environment_id = ? AND (record_id, sku) > (?, ?)
           ORDER BY record_id, sku LIMIT ?`,
        )
        .all(environmentId, after.recordId, after.sku, limit)
    : db
        .prepare<[string, number], OutcomeRow>(
          `SELECT ${columns} FROM oci_record_outcomes WHERE environment_id = ? ORDER BY record_id, sku LIMIT ?`,
        )
        .all(environmentId, limit);
  return rows.map(outcomeOfRow);
}

/** Safety stock of some SKUs at some locations, on a connection inside a transaction. */
export function readSafetyStockIn(
  db: Database.Database,
  environmentId: string,
  skus: readonly string[],
  locationIds: readonly string[],
): SafetyStockRow[] {
  if (skus.length === 0 || locationIds.length === 0) return [];
  return db
    .prepare<[string, string, string], { location_id: string; sku: string; quantity: number | bigint }>(
      `SELECT location_id, sku, quantity FROM oci_safety_stock WHERE environment_id = ?
       AND sku IN (SELECT value FROM json_each(?)) AND location_id IN (SELECT value FROM json_each(?))`,
    )
    .safeIntegers(true)
    .all(environmentId, JSON.stringify(skus), JSON.stringify(locationIds))
    .map((r) => ({ locationId: r.location_id, sku: r.sku, quantity: BigInt(r.quantity) }));
}

/** Writes an exported graph (its version and rows) on a connection inside a transaction. */
export function restoreGraph(db: Database.Database, environmentId: string, record: OciGraphRecord): void {
  const { graph } = record;
  for (const table of ['oci_group_members', 'oci_groups', 'oci_locations', 'oci_graphs'])
    db.prepare(`DELETE FROM ${table} WHERE environment_id = ?`).run(environmentId);
  db.prepare(
    'INSERT INTO oci_graphs (environment_id, version, iv_organization_id, updated_at) VALUES (?, ?, ?, ?)',
  ).run(environmentId, record.version, graph.ivOrganizationId, record.updatedAt);
  const location = db.prepare(
    `INSERT INTO oci_locations (environment_id, location_id, position, iv_organization_id, iv_site_id,
       iv_location_id) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  graph.locations.forEach((l, i) => {
    location.run(environmentId, l.id, i, ...overrideColumns(l));
  });
  const group = db.prepare('INSERT INTO oci_groups (environment_id, group_id, position) VALUES (?, ?, ?)');
  const member = db.prepare(
    'INSERT INTO oci_group_members (environment_id, group_id, location_id, position) VALUES (?, ?, ?, ?)',
  );
  graph.groups.forEach((g, i) => {
    group.run(environmentId, g.id, i);
    g.locations.forEach((l, j) => {
      member.run(environmentId, g.id, l, j);
    });
  });
}

/** Writes exported record outcomes on a connection inside a transaction. */
export function restoreRecordOutcomes(
  db: Database.Database,
  environmentId: string,
  outcomes: readonly RecordOutcome[],
): void {
  const insert = db.prepare(
    `INSERT INTO oci_record_outcomes (environment_id, record_id, sku, location_id, request_hash, outcome,
       created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  for (const o of outcomes)
    insert.run(environmentId, o.recordId, o.sku, o.locationId, o.hash, o.outcome, o.createdAt);
}
