import type pg from 'pg';
import type { LocationGraph } from '../../../domain/oci/location-graph.js';
import { overrideColumns } from '../../oci/oci-rows.js';

/**
 * Replaces an environment's graph on a client inside a transaction (OciStore.replaceGraph's rules):
 * false when the stored version is not `expectedVersion`, `{ inUse }` when a removed group still holds
 * a lock. It may have inserted the graph's head row then: the caller rolls back on anything but true.
 */
export async function replaceGraphIn(
  client: Pick<pg.PoolClient, 'query'>,
  environmentId: string,
  graph: LocationGraph,
  expectedVersion: number,
  updatedAt: string,
  removedGroups: readonly string[],
): Promise<boolean | { inUse: string[] }> {
  // Insert-or-lock the head row: concurrent replacements of one environment serialise on it.
  await client.query(
    `INSERT INTO oci_graphs (environment_id, version, iv_organization_id, updated_at)
     VALUES ($1, 0, '', '') ON CONFLICT (environment_id) DO NOTHING`,
    [environmentId],
  );
  const head = await client.query<{ version: string }>(
    'SELECT version FROM oci_graphs WHERE environment_id = $1 FOR UPDATE',
    [environmentId],
  );
  if (Number(head.rows[0]?.version ?? 0) !== expectedVersion) return false;
  if (removedGroups.length > 0) {
    // Every OCI operation on a group holds this row FOR SHARE until it commits: its locks are seen here.
    const used = await client.query<{ g: string }>(
      `SELECT DISTINCT (dims::jsonb)->>'@ocigroup' AS g FROM stock
       WHERE environment_id = $1 AND data_source = '@oci' AND measure = '@grouplock' AND quantity <> 0
         AND (dims::jsonb)->>'@ocigroup' = ANY($2::text[])`,
      [environmentId, [...removedGroups]],
    );
    if (used.rows.length > 0) return { inUse: used.rows.map((r) => r.g) };
  }
  for (const table of ['oci_group_members', 'oci_groups', 'oci_locations'])
    await client.query(`DELETE FROM ${table} WHERE environment_id = $1`, [environmentId]);
  await client.query(
    'UPDATE oci_graphs SET version = $2, iv_organization_id = $3, updated_at = $4 WHERE environment_id = $1',
    [environmentId, expectedVersion + 1, graph.ivOrganizationId, updatedAt],
  );
  const columns = graph.locations.map(overrideColumns);
  await client.query(
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
  await client.query(
    `INSERT INTO oci_groups (environment_id, group_id, position)
     SELECT $1, g, p::int FROM unnest($2::text[], $3::int[]) AS t(g, p)`,
    [environmentId, graph.groups.map((g) => g.id), graph.groups.map((_, i) => i)],
  );
  const members = graph.groups.flatMap((g) => g.locations.map((l, j) => [g.id, l, j] as const));
  await client.query(
    `INSERT INTO oci_group_members (environment_id, group_id, location_id, position)
     SELECT $1, g, l, p::int FROM unnest($2::text[], $3::text[], $4::int[]) AS t(g, l, p)`,
    [environmentId, members.map((m) => m[0]), members.map((m) => m[1]), members.map((m) => m[2])],
  );
  return true;
}
