import type pg from 'pg';
import {
  ADJUSTMENT_COLUMNS,
  type AdjustmentRow,
  adjustmentValues,
  toAdjustmentLine,
} from '../../adjustments/adjustment-rows.js';
import type {
  AdjustmentFilter,
  AdjustmentLine,
  AdjustmentStore,
  AdjustmentUpdate,
} from '../../adjustments/adjustment-store.js';
import { rollback } from '../connection.js';

const SELECT = `SELECT ${ADJUSTMENT_COLUMNS.join(', ')} FROM adjustment_lines`;
const WIDTH = ADJUSTMENT_COLUMNS.length;

/** Adjustment lines on PostgreSQL (see AdjustmentStore). */
export class PostgresAdjustments implements AdjustmentStore {
  constructor(private readonly pool: () => pg.Pool) {}

  async insert(environmentId: string, lines: readonly AdjustmentLine[]): Promise<AdjustmentLine[]> {
    if (lines.length === 0) return [];
    const values: unknown[] = [environmentId];
    const tuples = lines.map((line, i) => {
      values.push(...adjustmentValues(line).map((v) => (typeof v === 'bigint' ? v.toString() : v)));
      const params = ADJUSTMENT_COLUMNS.map((column, c) => {
        const n = `$${2 + i * WIDTH + c}`;
        return column === 'request' ? `${n}::json` : column === 'quantity' ? `${n}::bigint` : n;
      });
      return `($1, ${params.join(', ')})`;
    });
    const client = await this.pool().connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const inserted = await client.query<{ line_id: string }>(
        `INSERT INTO adjustment_lines (environment_id, ${ADJUSTMENT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (environment_id, line_id) DO NOTHING RETURNING line_id`,
        values,
      );
      const fresh = new Set(inserted.rows.map((r) => r.line_id));
      const others = lines.map((l) => l.lineId).filter((id) => !fresh.has(id));
      const existing = await client.query<AdjustmentRow>(
        `${SELECT} WHERE environment_id = $1 AND line_id = ANY($2::text[]) ORDER BY line_id`,
        [environmentId, others],
      );
      await client.query('COMMIT');
      return existing.rows.map(toAdjustmentLine);
    } catch (error) {
      broken = await rollback(client, error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async get(environmentId: string, lineIds: readonly string[]): Promise<AdjustmentLine[]> {
    const result = await this.pool().query<AdjustmentRow>(
      `${SELECT} WHERE environment_id = $1 AND line_id = ANY($2::text[]) ORDER BY line_id`,
      [environmentId, lineIds],
    );
    return result.rows.map(toAdjustmentLine);
  }

  async list(
    environmentId: string,
    filter: AdjustmentFilter,
    afterId: string | null,
    limit: number,
  ): Promise<AdjustmentLine[]> {
    const result = await this.pool().query<AdjustmentRow>(
      `${SELECT} WHERE environment_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR sync_status = $3)
       AND line_id > $4 ORDER BY line_id LIMIT $5`,
      [environmentId, filter.status ?? null, filter.syncStatus ?? null, afterId ?? '', limit],
    );
    return result.rows.map(toAdjustmentLine);
  }

  async update(environmentId: string, updates: readonly AdjustmentUpdate[], now: string): Promise<string[]> {
    if (updates.length === 0) return [];
    const result = await this.pool().query<{ line_id: string }>(
      `UPDATE adjustment_lines a SET status = coalesce(u.status, a.status),
         sync_status = coalesce(u.sync_status, a.sync_status), message = coalesce(u.message, a.message), updated_at = $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS u(line_id, status, sync_status, message)
       WHERE a.environment_id = $1 AND a.line_id = u.line_id RETURNING a.line_id`,
      [
        environmentId,
        now,
        updates.map((u) => u.lineId),
        updates.map((u) => u.status ?? null),
        updates.map((u) => u.syncStatus ?? null),
        updates.map((u) => u.message ?? null),
      ],
    );
    const done = new Set(result.rows.map((r) => r.line_id));
    return updates.map((u) => u.lineId).filter((id) => done.has(id));
  }
}
