import type Database from 'better-sqlite3';
import {
  DELIVERY_COLUMNS,
  type DeliveryRow,
  toDeliveryRecord,
  toWebhookRecord,
  type WebhookRow,
} from '../../webhook-rows.js';
import {
  type AttemptResult,
  type DeliveryRecord,
  type Fence,
  type NewDelivery,
  type NewWebhook,
  type WebhookChanges,
  type WebhookKey,
  type WebhookRecord,
  type WebhookStore,
  webhookFollower,
  webhookLease,
} from '../../webhook-store.js';
import {
  fenceHolds,
  INSERT_DELIVERY,
  INSERT_WEBHOOK,
  READY_TO_ADVANCE,
  RECORD_ATTEMPT,
  SELECT_WEBHOOK,
  SET_FOLLOWER,
} from './webhook-statements.js';

/** What SqliteWebhooks needs from its store. */
export interface SqliteWebhooksDeps {
  readonly readerDb: Database.Database;
  /** Runs a write on the writer connection, queued behind open transactions. */
  readonly write: <T>(task: (db: Database.Database) => T) => Promise<T>;
}

/** The webhook tables of SqliteStore (webhook-store.ts). Every write runs on the writer, one at a time. */
export class SqliteWebhooks implements WebhookStore {
  readonly #deps: SqliteWebhooksDeps;

  constructor(deps: SqliteWebhooksDeps) {
    this.#deps = deps;
  }

  async create(r: NewWebhook, position: number): Promise<boolean> {
    return this.#deps.write((db) =>
      db.transaction(() => {
        const inserted = db
          .prepare(INSERT_WEBHOOK)
          .run(
            r.environmentId,
            r.webhookId,
            r.url,
            JSON.stringify(r.filters),
            r.description,
            r.enabled ? 1 : 0,
            r.sealedSecret,
            r.createdAt,
            r.createdAt,
          );
        if (inserted.changes === 0) return false;
        db.prepare(SET_FOLLOWER).run(r.environmentId, webhookFollower(r.webhookId), position, r.createdAt);
        return true;
      })(),
    );
  }

  async get(environmentId: string, webhookId: string): Promise<WebhookRecord | undefined> {
    const row = this.#deps.readerDb
      .prepare<[string, string], WebhookRow>(
        `${SELECT_WEBHOOK} WHERE w.environment_id = ? AND w.webhook_id = ?`,
      )
      .get(environmentId, webhookId);
    return row && toWebhookRecord(row);
  }

  async list(environmentId: string): Promise<WebhookRecord[]> {
    return this.#deps.readerDb
      .prepare<[string], WebhookRow>(
        `${SELECT_WEBHOOK} WHERE w.environment_id = ? ORDER BY w.created_at, w.webhook_id`,
      )
      .all(environmentId)
      .map(toWebhookRecord);
  }

  async listDispatchable(): Promise<WebhookKey[]> {
    return this.#deps.readerDb
      .prepare<[], { environment_id: string; webhook_id: string }>(
        `SELECT environment_id, webhook_id FROM webhooks WHERE enabled = 1 AND status = 'active'
         ORDER BY environment_id, webhook_id`,
      )
      .all()
      .map((r) => ({ environmentId: r.environment_id, webhookId: r.webhook_id }));
  }

  async update(
    environmentId: string,
    webhookId: string,
    changes: WebhookChanges,
    updatedAt: string,
  ): Promise<WebhookRecord | undefined> {
    const sets: string[] = ['updated_at = @updatedAt'];
    const params: Record<string, unknown> = { environmentId, webhookId, updatedAt };
    if (changes.url !== undefined) sets.push('url = @url');
    if (changes.filters !== undefined) sets.push('filters = @filters');
    if (changes.description !== undefined) sets.push('description = @description');
    if (changes.enabled !== undefined) sets.push('enabled = @enabled');
    if (changes.sealedSecret !== undefined) sets.push('sealed_secret = @sealedSecret');
    Object.assign(params, {
      url: changes.url ?? null,
      filters: changes.filters === undefined ? null : JSON.stringify(changes.filters),
      description: changes.description ?? null,
      enabled: changes.enabled ? 1 : 0,
      sealedSecret: changes.sealedSecret ?? null,
    });
    const changed = await this.#deps.write(
      (db) =>
        db
          .prepare(
            `UPDATE webhooks SET ${sets.join(', ')}
             WHERE environment_id = @environmentId AND webhook_id = @webhookId`,
          )
          .run(params).changes,
    );
    return changed === 0 ? undefined : this.get(environmentId, webhookId);
  }

  async delete(environmentId: string, webhookId: string): Promise<boolean> {
    return this.#deps.write((db) =>
      db.transaction(() => {
        const deleted = db
          .prepare('DELETE FROM webhooks WHERE environment_id = ? AND webhook_id = ?')
          .run(environmentId, webhookId).changes;
        db.prepare('DELETE FROM webhook_deliveries WHERE environment_id = ? AND webhook_id = ?').run(
          environmentId,
          webhookId,
        );
        db.prepare('DELETE FROM feed_followers WHERE environment_id = ? AND follower_id = ?').run(
          environmentId,
          webhookFollower(webhookId),
        );
        db.prepare('DELETE FROM feed_leases WHERE name = ?').run(webhookLease(environmentId, webhookId));
        return deleted > 0;
      })(),
    );
  }

  async rewind(
    environmentId: string,
    webhookId: string,
    position: number,
    at: string,
  ): Promise<WebhookRecord | undefined> {
    const found = await this.#deps.write((db) =>
      db.transaction(() => {
        const changed = db
          .prepare(
            `UPDATE webhooks SET status = 'active', failing_since = NULL, updated_at = ?
             WHERE environment_id = ? AND webhook_id = ?`,
          )
          .run(at, environmentId, webhookId).changes;
        if (changed === 0) return false;
        db.prepare(
          `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, body = ''
           WHERE environment_id = ? AND webhook_id = ? AND status IN ('pending', 'failed')`,
        ).run(environmentId, webhookId);
        db.prepare(SET_FOLLOWER).run(environmentId, webhookFollower(webhookId), position, at);
        return true;
      })(),
    );
    return found ? this.get(environmentId, webhookId) : undefined;
  }

  async nextPending(environmentId: string, webhookId: string): Promise<DeliveryRecord | undefined> {
    const row = this.#deps.readerDb
      .prepare<[string, string], DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
         WHERE environment_id = ? AND webhook_id = ? AND status = 'pending' ORDER BY number LIMIT 1`,
      )
      .get(environmentId, webhookId);
    return row && toDeliveryRecord(row);
  }

  async advance(
    fence: Fence,
    from: number,
    to: number,
    delivery: NewDelivery | null,
    at: string,
  ): Promise<boolean> {
    const { environmentId: env, webhookId: id } = fence;
    return this.#deps.write((db) =>
      db.transaction(() => {
        if (!fenceHolds(db, fence)) return false;
        const ready = db
          .prepare<[string, string, string], { position: number | bigint }>(READY_TO_ADVANCE)
          .get(webhookFollower(id), env, id);
        if (!ready || Number(ready.position) !== from) return false;
        db.prepare(
          'UPDATE feed_followers SET position = ?, updated_at = ? WHERE environment_id = ? AND follower_id = ?',
        ).run(to, at, env, webhookFollower(id));
        if (delivery) {
          db.prepare(INSERT_DELIVERY).run(
            env,
            id,
            delivery.deliveryId,
            delivery.firstPosition,
            delivery.lastPosition,
            delivery.entries,
            delivery.body,
            delivery.createdAt,
            delivery.nextAttemptAt,
            env,
            id,
          );
        }
        return true;
      })(),
    );
  }

  async recordAttempt(fence: Fence, deliveryId: string, attempt: AttemptResult): Promise<boolean> {
    const { environmentId: env, webhookId: id } = fence;
    return this.#deps.write((db) =>
      db.transaction(() => {
        if (!fenceHolds(db, fence)) return false;
        const changed = db
          .prepare(RECORD_ATTEMPT)
          .run(
            attempt.status,
            attempt.at,
            attempt.httpStatus,
            attempt.error,
            attempt.nextAttemptAt,
            attempt.status,
            attempt.status,
            attempt.at,
            env,
            id,
            deliveryId,
          ).changes;
        if (changed === 0) return false;
        if (attempt.status === 'failed') {
          db.prepare(
            `UPDATE webhooks SET status = 'failing', failing_since = ?, updated_at = ?
             WHERE environment_id = ? AND webhook_id = ?`,
          ).run(attempt.at, attempt.at, env, id);
        }
        return true;
      })(),
    );
  }

  async pruneDeliveries(environmentId: string, webhookId: string, belowNumber: number): Promise<number> {
    return this.#deps.write(
      (db) =>
        db
          .prepare(
            `DELETE FROM webhook_deliveries WHERE environment_id = ? AND webhook_id = ? AND number < ?
             AND status IN ('delivered', 'cancelled')`,
          )
          .run(environmentId, webhookId, belowNumber).changes,
    );
  }

  async countLeases(prefix: string, now: string): Promise<number> {
    const row = this.#deps.readerDb
      .prepare<[number, string, string], { n: number | bigint }>(
        'SELECT count(*) AS n FROM feed_leases WHERE substr(name, 1, ?) = ? AND until > ?',
      )
      .get(prefix.length, prefix, now);
    return Number(row?.n ?? 0);
  }

  async listDeliveries(
    environmentId: string,
    webhookId: string,
    before: number | null,
    limit: number,
  ): Promise<DeliveryRecord[]> {
    return this.#deps.readerDb
      .prepare<[string, string, number, number], DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
         WHERE environment_id = ? AND webhook_id = ? AND number < ? ORDER BY number DESC LIMIT ?`,
      )
      .all(environmentId, webhookId, before ?? Number.MAX_SAFE_INTEGER, limit)
      .map(toDeliveryRecord);
  }
}
