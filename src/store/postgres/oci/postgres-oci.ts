import type pg from 'pg';
import type { LocationGraph } from '../../../domain/oci/location-graph.js';
import type {
  ExclusionChange,
  OciGraphRecord,
  OciStore,
  RecordOutcome,
  SafetyStockRow,
} from '../../oci/oci-store.js';
import { type OutcomeRow, outcomeOfRow } from '../../sqlite/oci/sqlite-oci.js';
import { isStalePrepared } from '../../store-errors.js';
import { replaceGraphIn } from './postgres-oci-graph.js';
import { listSafetyStockIn, readGraphIn } from './postgres-oci-reads.js';
import { listExclusions, listRecordOutcomes } from './postgres-oci-transfer.js';

const GRAPH_EXISTS = 'onhand_oci_graph_exists';
const GRAPH_EXISTS_SQL = 'SELECT 1 FROM oci_graphs WHERE environment_id = $1';

/** The Omnichannel Inventory tables on PostgreSQL (see OciStore). */
export class PostgresOci implements OciStore {
  constructor(private readonly pool: () => pg.Pool) {}

  async getGraph(environmentId: string): Promise<OciGraphRecord | undefined> {
    // Asked before IV reservations, once per environment and turn of the event loop (engine/oci/
    // oci-iv-guard.ts): an environment without a graph is answered by one statement, without a
    // connection of its own or a transaction; a named one (pg prepares it once per connection, and
    // PostgreSQL keeps one plan for it after five runs).
    const values = [environmentId];
    const exists = await this.pool()
      .query({ name: GRAPH_EXISTS, text: GRAPH_EXISTS_SQL, values })
      .catch((error: unknown) => {
        // The name went missing on that connection (DEALLOCATE ALL): pg would never prepare it again
        // there, so the pool drops the connection (a failed query's), and this check runs unnamed.
        if (isStalePrepared(error)) return this.pool().query(GRAPH_EXISTS_SQL, values);
        throw error;
      });
    if (exists.rowCount === 0) return undefined;
    const client = await this.pool().connect();
    try {
      // One snapshot: the rows match the version read.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const record = await readGraphIn(client, environmentId, false);
      await client.query('COMMIT');
      return record;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async replaceGraph(
    environmentId: string,
    graph: LocationGraph,
    expectedVersion: number,
    updatedAt: string,
    removedGroups: readonly string[] = [],
  ): Promise<boolean | { inUse: string[] }> {
    const client = await this.pool().connect();
    try {
      await client.query('BEGIN');
      const done = await replaceGraphIn(
        client,
        environmentId,
        graph,
        expectedVersion,
        updatedAt,
        removedGroups,
      );
      await client.query(done === true ? 'COMMIT' : 'ROLLBACK');
      return done;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async readSafetyStock(
    environmentId: string,
    skus: readonly string[],
    locationIds: readonly string[],
  ): Promise<SafetyStockRow[]> {
    if (skus.length === 0 || locationIds.length === 0) return [];
    const result = await this.pool().query<{ location_id: string; sku: string; quantity: string }>(
      `SELECT location_id, sku, quantity FROM oci_safety_stock WHERE environment_id = $1
       AND sku = ANY($2::text[]) AND location_id = ANY($3::text[])`,
      [environmentId, skus, locationIds],
    );
    return result.rows.map((r) => ({ locationId: r.location_id, sku: r.sku, quantity: BigInt(r.quantity) }));
  }

  async listSafetyStock(environmentId: string): Promise<SafetyStockRow[]> {
    return listSafetyStockIn(this.pool(), environmentId);
  }

  async setSafetyStock(
    environmentId: string,
    rows: readonly SafetyStockRow[],
    updatedAt: string,
  ): Promise<void> {
    await writeSafetyStock(this.pool(), environmentId, rows, updatedAt);
  }

  async getRecordOutcome(
    environmentId: string,
    recordId: string,
    sku: string,
  ): Promise<RecordOutcome | undefined> {
    const result = await this.pool().query<OutcomeRow>(
      `SELECT record_id, sku, location_id, request_hash, outcome, created_at FROM oci_record_outcomes
       WHERE environment_id = $1 AND record_id = $2 AND sku = $3`,
      [environmentId, recordId, sku],
    );
    const row = result.rows[0];
    return row ? outcomeOfRow(row) : undefined;
  }

  async saveRecordOutcome(environmentId: string, o: RecordOutcome): Promise<boolean> {
    const result = await this.pool().query(
      `INSERT INTO oci_record_outcomes (environment_id, record_id, sku, location_id, request_hash, outcome,
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [environmentId, o.recordId, o.sku, o.locationId, o.hash, o.outcome, o.createdAt],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async readExclusions(
    environmentId: string,
    groupIds: readonly string[],
    skus: readonly string[],
  ): Promise<{ groupId: string; sku: string }[]> {
    if (groupIds.length === 0 || skus.length === 0) return [];
    const result = await this.pool().query<{ group_id: string; sku: string }>(
      `SELECT group_id, sku FROM oci_segment_exclusions WHERE environment_id = $1
       AND group_id = ANY($2::text[]) AND sku = ANY($3::text[])`,
      [environmentId, groupIds, skus],
    );
    return result.rows.map((r) => ({ groupId: r.group_id, sku: r.sku }));
  }

  async changeExclusions(environmentId: string, changes: readonly ExclusionChange[]): Promise<void> {
    await writeExclusions(this.pool(), environmentId, changes);
  }

  async listExclusions(environmentId: string) {
    return listExclusions(this.pool(), environmentId);
  }

  async listRecordOutcomes(
    environmentId: string,
    after: { recordId: string; sku: string } | null,
    limit: number,
  ) {
    return listRecordOutcomes(this.pool(), environmentId, after, limit);
  }
}

/** Something that runs a statement: the pool (autocommit) or a transaction's client. */
type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Sets safety stock rows in one statement (0 deletes the row). */
export async function writeSafetyStock(
  db: Queryable,
  environmentId: string,
  rows: readonly SafetyStockRow[],
  updatedAt: string,
): Promise<void> {
  if (rows.length === 0) return;
  // Last value of each key wins, as in SQLite's row-by-row upsert.
  const last = new Map(rows.map((r) => [`${r.locationId}\u0000${r.sku}`, r]));
  const put = [...last.values()].filter((r) => r.quantity !== 0n);
  const drop = [...last.values()].filter((r) => r.quantity === 0n);
  await db.query(
    `WITH dropped AS (
       DELETE FROM oci_safety_stock WHERE environment_id = $1
         AND (location_id, sku) IN (SELECT * FROM unnest($5::text[], $6::text[]))
     )
     INSERT INTO oci_safety_stock (environment_id, location_id, sku, quantity, updated_at)
     SELECT $1, l, s, q::bigint, $7 FROM unnest($2::text[], $3::text[], $4::text[]) AS t(l, s, q)
     ON CONFLICT (environment_id, location_id, sku) DO UPDATE SET quantity = excluded.quantity,
       updated_at = excluded.updated_at`,
    [
      environmentId,
      put.map((r) => r.locationId),
      put.map((r) => r.sku),
      put.map((r) => r.quantity.toString()),
      drop.map((r) => r.locationId),
      drop.map((r) => r.sku),
      updatedAt,
    ],
  );
}

/** Adds or removes exclusions in one statement. */
export async function writeExclusions(
  db: Queryable,
  environmentId: string,
  changes: readonly ExclusionChange[],
): Promise<void> {
  if (changes.length === 0) return;
  // The last change of each (group, SKU) wins, as in SQLite's row-by-row statements.
  const last = [...new Map(changes.map((c) => [`${c.groupId}\u0000${c.sku}`, c])).values()];
  const add = last.filter((c) => c.excluded);
  const remove = last.filter((c) => !c.excluded);
  await db.query(
    `WITH removed AS (
       DELETE FROM oci_segment_exclusions WHERE environment_id = $1
         AND (group_id, sku) IN (SELECT * FROM unnest($4::text[], $5::text[]))
     )
     INSERT INTO oci_segment_exclusions (environment_id, group_id, sku)
     SELECT $1, g, s FROM unnest($2::text[], $3::text[]) AS t(g, s) ON CONFLICT DO NOTHING`,
    [
      environmentId,
      add.map((c) => c.groupId),
      add.map((c) => c.sku),
      remove.map((c) => c.groupId),
      remove.map((c) => c.sku),
    ],
  );
}
