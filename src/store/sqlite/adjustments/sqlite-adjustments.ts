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
import type { SqliteSideDeps } from '../side-deps.js';

const ADJ_SELECT = `SELECT ${ADJUSTMENT_COLUMNS.join(', ')} FROM adjustment_lines`;

/** Adjustment lines on SQLite (see AdjustmentStore). */
export class SqliteAdjustments implements AdjustmentStore {
  constructor(private readonly deps: SqliteSideDeps) {}

  async insert(environmentId: string, lines: readonly AdjustmentLine[]): Promise<AdjustmentLine[]> {
    return this.deps.write((db) =>
      db
        .transaction(() => {
          const find = db.prepare<[string, string], AdjustmentRow>(
            `${ADJ_SELECT} WHERE environment_id = ? AND line_id = ?`,
          );
          const put = db.prepare(
            `INSERT INTO adjustment_lines (environment_id, ${ADJUSTMENT_COLUMNS.join(', ')})
             VALUES (${['?', ...ADJUSTMENT_COLUMNS.map(() => '?')].join(', ')})`,
          );
          const existing: AdjustmentLine[] = [];
          for (const line of lines) {
            const found = find.get(environmentId, line.lineId);
            if (found) existing.push(toAdjustmentLine(found));
            else put.run(environmentId, ...adjustmentValues(line));
          }
          return existing;
        })
        .immediate(),
    );
  }

  async get(environmentId: string, lineIds: readonly string[]): Promise<AdjustmentLine[]> {
    return this.deps
      .reader()
      .prepare<[string, string], AdjustmentRow>(
        `${ADJ_SELECT} WHERE environment_id = ? AND line_id IN (SELECT value FROM json_each(?)) ORDER BY line_id`,
      )
      .all(environmentId, JSON.stringify(lineIds))
      .map(toAdjustmentLine);
  }

  async list(
    environmentId: string,
    filter: AdjustmentFilter,
    afterId: string | null,
    limit: number,
  ): Promise<AdjustmentLine[]> {
    return this.deps
      .reader()
      .prepare<unknown[], AdjustmentRow>(
        `${ADJ_SELECT} WHERE environment_id = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR sync_status = ?)
         AND line_id > ? ORDER BY line_id LIMIT ?`,
      )
      .all(
        environmentId,
        filter.status ?? null,
        filter.status ?? null,
        filter.syncStatus ?? null,
        filter.syncStatus ?? null,
        afterId ?? '',
        limit,
      )
      .map(toAdjustmentLine);
  }

  async update(environmentId: string, updates: readonly AdjustmentUpdate[], now: string): Promise<string[]> {
    return this.deps.write((db) =>
      db
        .transaction(() => {
          const set = db.prepare(
            `UPDATE adjustment_lines SET status = coalesce(?, status), sync_status = coalesce(?, sync_status),
             message = coalesce(?, message), updated_at = ? WHERE environment_id = ? AND line_id = ?`,
          );
          const done: string[] = [];
          for (const u of updates) {
            const changes = set.run(
              u.status ?? null,
              u.syncStatus ?? null,
              u.message ?? null,
              now,
              environmentId,
              u.lineId,
            ).changes;
            if (changes === 1) done.push(u.lineId);
          }
          return done;
        })
        .immediate(),
    );
  }
}
