import type Database from 'better-sqlite3';
import { graphOfRows, type LocationRow, type MemberRow } from '../../oci/oci-rows.js';
import type { OciGraphRecord, SafetyStockRow } from '../../oci/oci-store.js';

/*
 * The OCI reads shared by the reader connection (SqliteOci) and a transaction's connection
 * (StoreTx.oci), so that a transaction reads the graph and the safety stock it is about to change on
 * its own connection, not on the reader's older snapshot.
 */

interface GraphRow {
  version: number | bigint;
  iv_organization_id: string;
  updated_at: string;
}

/** The graph of an environment, or undefined; the caller runs it in one transaction (one snapshot). */
export function readGraphIn(db: Database.Database, environmentId: string): OciGraphRecord | undefined {
  const current = db
    .prepare<[string], GraphRow>(
      'SELECT version, iv_organization_id, updated_at FROM oci_graphs WHERE environment_id = ?',
    )
    .get(environmentId);
  if (!current) return undefined;
  const locations = db
    .prepare<[string], LocationRow>(
      `SELECT location_id, iv_organization_id, iv_site_id, iv_location_id FROM oci_locations
       WHERE environment_id = ? ORDER BY position`,
    )
    .all(environmentId);
  const groups = db
    .prepare<[string], { group_id: string }>(
      'SELECT group_id FROM oci_groups WHERE environment_id = ? ORDER BY position',
    )
    .all(environmentId)
    .map((r) => r.group_id);
  const members = db
    .prepare<[string], MemberRow>(
      `SELECT group_id, location_id FROM oci_group_members WHERE environment_id = ?
       ORDER BY group_id, position`,
    )
    .all(environmentId);
  return {
    graph: graphOfRows(current.iv_organization_id, locations, groups, members),
    version: Number(current.version),
    updatedAt: current.updated_at,
  };
}

/** Every safety stock row of the environment, in (location, SKU) order. */
export function listSafetyStockIn(db: Database.Database, environmentId: string): SafetyStockRow[] {
  return db
    .prepare<[string], { location_id: string; sku: string; quantity: number | bigint }>(
      `SELECT location_id, sku, quantity FROM oci_safety_stock WHERE environment_id = ?
       ORDER BY location_id, sku`,
    )
    .safeIntegers(true)
    .all(environmentId)
    .map((r) => ({ locationId: r.location_id, sku: r.sku, quantity: BigInt(r.quantity) }));
}
