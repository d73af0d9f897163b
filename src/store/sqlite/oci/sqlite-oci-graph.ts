import type Database from 'better-sqlite3';
import type { LocationGraph } from '../../../domain/oci/location-graph.js';
import { overrideColumns } from '../../oci/oci-rows.js';

/**
 * Replaces an environment's graph on a connection inside a write transaction (OciStore.replaceGraph's
 * rules): false when the stored version is not `expectedVersion`, `{ inUse }` when a removed group
 * still holds a lock; nothing written then.
 */
export function replaceGraphIn(
  db: Database.Database,
  environmentId: string,
  graph: LocationGraph,
  expectedVersion: number,
  updatedAt: string,
  removedGroups: readonly string[],
): boolean | { inUse: string[] } {
  const row = db
    .prepare<[string], { version: number | bigint }>(
      'SELECT version FROM oci_graphs WHERE environment_id = ?',
    )
    .get(environmentId);
  if (Number(row?.version ?? 0) !== expectedVersion) return false;
  if (removedGroups.length > 0) {
    const inUse = db
      .prepare<[string, string], { g: string }>(
        `SELECT DISTINCT json_extract(dims, '$."@ocigroup"') AS g FROM stock
           WHERE environment_id = ? AND data_source = '@oci' AND measure = '@grouplock' AND quantity <> 0
             AND json_extract(dims, '$."@ocigroup"') IN (SELECT value FROM json_each(?))`,
      )
      .all(environmentId, JSON.stringify(removedGroups))
      .map((r) => r.g);
    if (inUse.length > 0) return { inUse };
  }
  for (const table of ['oci_group_members', 'oci_groups', 'oci_locations'])
    db.prepare(`DELETE FROM ${table} WHERE environment_id = ?`).run(environmentId);
  db.prepare(
    `INSERT INTO oci_graphs (environment_id, version, iv_organization_id, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (environment_id) DO UPDATE SET version = excluded.version,
         iv_organization_id = excluded.iv_organization_id, updated_at = excluded.updated_at`,
  ).run(environmentId, expectedVersion + 1, graph.ivOrganizationId, updatedAt);
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
  return true;
}
