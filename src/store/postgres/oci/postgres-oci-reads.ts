import type pg from 'pg';
import { graphOfRows, type LocationRow, type MemberRow } from '../../oci/oci-rows.js';
import type { OciGraphRecord, SafetyStockRow } from '../../oci/oci-store.js';

/*
 * The OCI reads shared by the pool (PostgresOci) and a transaction's client (StoreTx.oci), so that a
 * transaction reads the graph and the safety stock on its own connection, never on a second one.
 */

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * The graph of an environment, or undefined. The caller gives one snapshot (a REPEATABLE READ
 * transaction), or `hold`: the head row is read FOR SHARE, so no graph replacement (which takes it
 * FOR UPDATE) commits before the transaction ends, and the other rows match the version read.
 */
export async function readGraphIn(
  db: Pick<pg.PoolClient, 'query'>,
  environmentId: string,
  hold: boolean,
): Promise<OciGraphRecord | undefined> {
  const head = await db.query<{ version: string; iv_organization_id: string; updated_at: string }>(
    `SELECT version, iv_organization_id, updated_at FROM oci_graphs WHERE environment_id = $1${hold ? ' FOR SHARE' : ''}`,
    [environmentId],
  );
  const row = head.rows[0];
  if (!row) return undefined;
  const locations = await db.query<LocationRow>(
    `SELECT location_id, iv_organization_id, iv_site_id, iv_location_id FROM oci_locations
     WHERE environment_id = $1 ORDER BY position`,
    [environmentId],
  );
  const groups = await db.query<{ group_id: string }>(
    'SELECT group_id FROM oci_groups WHERE environment_id = $1 ORDER BY position',
    [environmentId],
  );
  const members = await db.query<MemberRow>(
    `SELECT group_id, location_id FROM oci_group_members WHERE environment_id = $1
     ORDER BY group_id, position`,
    [environmentId],
  );
  return {
    graph: graphOfRows(
      row.iv_organization_id,
      locations.rows,
      groups.rows.map((g) => g.group_id),
      members.rows,
    ),
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}

/** Every safety stock row of the environment, in (location, SKU) order ("C" collation, as SQLite's). */
export async function listSafetyStockIn(db: Queryable, environmentId: string): Promise<SafetyStockRow[]> {
  const result = await db.query<{ location_id: string; sku: string; quantity: string }>(
    `SELECT location_id, sku, quantity FROM oci_safety_stock WHERE environment_id = $1
     ORDER BY location_id COLLATE "C", sku COLLATE "C"`,
    [environmentId],
  );
  return result.rows.map((r) => ({ locationId: r.location_id, sku: r.sku, quantity: BigInt(r.quantity) }));
}
