import type pg from 'pg';
import { overrideColumns } from '../../oci/oci-rows.js';
import type { OciGraphRecord, RecordOutcome, SafetyStockRow } from '../../oci/oci-store.js';
import { type OutcomeRow, outcomeOfRow } from '../../sqlite/oci/sqlite-oci.js';

/*
 * The OCI statements of a full export and import (engine/transfer), and the safety stock read of a
 * transaction (the reservation guard), on PostgreSQL. Orders use the "C" collation, as SQLite's.
 */

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Every exclusion of the environment, in (group, SKU) order. */
export async function listExclusions(db: Queryable, environmentId: string) {
  const result = await db.query<{ group_id: string; sku: string }>(
    `SELECT group_id, sku FROM oci_segment_exclusions WHERE environment_id = $1
     ORDER BY group_id COLLATE "C", sku COLLATE "C"`,
    [environmentId],
  );
  return result.rows.map((r) => ({ groupId: r.group_id, sku: r.sku }));
}

/** A page of record outcomes in (record id, SKU) order. */
export async function listRecordOutcomes(
  db: Queryable,
  environmentId: string,
  after: { recordId: string; sku: string } | null,
  limit: number,
): Promise<RecordOutcome[]> {
  const result = await db.query<OutcomeRow>(
    `SELECT record_id, sku, location_id, request_hash, outcome, created_at FROM oci_record_outcomes
     WHERE environment_id = $1
       AND ($2::text IS NULL OR (record_id COLLATE "C", sku COLLATE "C") > ($2::text COLLATE "C", $3::text COLLATE "C"))
     ORDER BY record_id COLLATE "C", sku COLLATE "C" LIMIT $4`,
    [environmentId, after?.recordId ?? null, after?.sku ?? null, limit],
  );
  return result.rows.map(outcomeOfRow);
}

/** Safety stock of some SKUs at some locations, in a transaction. */
export async function readSafetyStockIn(
  db: Queryable,
  environmentId: string,
  skus: readonly string[],
  locationIds: readonly string[],
): Promise<SafetyStockRow[]> {
  if (skus.length === 0 || locationIds.length === 0) return [];
  const result = await db.query<{ location_id: string; sku: string; quantity: string }>(
    `SELECT location_id, sku, quantity FROM oci_safety_stock WHERE environment_id = $1
     AND sku = ANY($2::text[]) AND location_id = ANY($3::text[])`,
    [environmentId, skus, locationIds],
  );
  return result.rows.map((r) => ({ locationId: r.location_id, sku: r.sku, quantity: BigInt(r.quantity) }));
}

/** Writes an exported graph (its version and rows) in a transaction. */
export async function restoreGraph(
  db: Queryable,
  environmentId: string,
  record: OciGraphRecord,
): Promise<void> {
  const { graph } = record;
  for (const table of ['oci_group_members', 'oci_groups', 'oci_locations', 'oci_graphs'])
    await db.query(`DELETE FROM ${table} WHERE environment_id = $1`, [environmentId]);
  await db.query(
    'INSERT INTO oci_graphs (environment_id, version, iv_organization_id, updated_at) VALUES ($1, $2, $3, $4)',
    [environmentId, record.version, graph.ivOrganizationId, record.updatedAt],
  );
  const columns = graph.locations.map(overrideColumns);
  await db.query(
    `INSERT INTO oci_locations (environment_id, location_id, position, iv_organization_id, iv_site_id, iv_location_id)
     SELECT $1, l, p::int, o, s, c FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[])
       AS t(l, p, o, s, c)`,
    [
      environmentId,
      graph.locations.map((l) => l.id),
      graph.locations.map((_, i) => i),
      columns.map((c) => c[0]),
      columns.map((c) => c[1]),
      columns.map((c) => c[2]),
    ],
  );
  await db.query(
    `INSERT INTO oci_groups (environment_id, group_id, position)
     SELECT $1, g, p::int FROM unnest($2::text[], $3::int[]) AS t(g, p)`,
    [environmentId, graph.groups.map((g) => g.id), graph.groups.map((_, i) => i)],
  );
  const members = graph.groups.flatMap((g) => g.locations.map((l, j) => [g.id, l, j] as const));
  await db.query(
    `INSERT INTO oci_group_members (environment_id, group_id, location_id, position)
     SELECT $1, g, l, p::int FROM unnest($2::text[], $3::text[], $4::int[]) AS t(g, l, p)`,
    [environmentId, members.map((m) => m[0]), members.map((m) => m[1]), members.map((m) => m[2])],
  );
}

/** Writes exported record outcomes in a transaction (one statement). */
export async function restoreRecordOutcomes(
  db: Queryable,
  environmentId: string,
  outcomes: readonly RecordOutcome[],
): Promise<void> {
  if (outcomes.length === 0) return;
  await db.query(
    `INSERT INTO oci_record_outcomes (environment_id, record_id, sku, location_id, request_hash, outcome, created_at)
     SELECT $1, r, s, l, h, o, c FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS t(r, s, l, h, o, c)
     ON CONFLICT DO NOTHING`,
    [
      environmentId,
      outcomes.map((o) => o.recordId),
      outcomes.map((o) => o.sku),
      outcomes.map((o) => o.locationId),
      outcomes.map((o) => o.hash),
      outcomes.map((o) => o.outcome),
      outcomes.map((o) => o.createdAt),
    ],
  );
}
