import type pg from 'pg';
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
import { rollback } from '../connection.js';
import * as sql from './webhook-statements.js';

/**
 * The webhook tables of PostgresStore (webhook-store.ts). Fenced writes lock the subscription's lease
 * row (FOR SHARE) before checking its generation, so a takeover (which updates that row) waits for them
 * and every later fenced write of the old holder sees the new generation and is refused.
 */
export class PostgresWebhooks implements WebhookStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(r: NewWebhook, position: number): Promise<boolean> {
    return this.inTransaction(async (client) => {
      const inserted = await client.query(sql.INSERT_WEBHOOK, [
        r.environmentId,
        r.webhookId,
        r.url,
        JSON.stringify(r.filters),
        r.description,
        r.enabled,
        r.sealedSecret,
        r.createdAt,
      ]);
      if (inserted.rowCount === 0) return false;
      await client.query(sql.SET_FOLLOWER, [
        r.environmentId,
        webhookFollower(r.webhookId),
        position,
        r.createdAt,
      ]);
      return true;
    });
  }

  async get(environmentId: string, webhookId: string): Promise<WebhookRecord | undefined> {
    const { rows } = await this.#pool.query<WebhookRow>(sql.GET_WEBHOOK, [environmentId, webhookId]);
    return rows[0] && toWebhookRecord(rows[0]);
  }

  async list(environmentId: string): Promise<WebhookRecord[]> {
    const { rows } = await this.#pool.query<WebhookRow>(sql.LIST_WEBHOOKS, [environmentId]);
    return rows.map(toWebhookRecord);
  }

  async listDispatchable(): Promise<WebhookKey[]> {
    const { rows } = await this.#pool.query<{ environment_id: string; webhook_id: string }>(sql.DISPATCHABLE);
    return rows.map((r) => ({ environmentId: r.environment_id, webhookId: r.webhook_id }));
  }

  async update(
    environmentId: string,
    webhookId: string,
    changes: WebhookChanges,
    updatedAt: string,
  ): Promise<WebhookRecord | undefined> {
    const { rowCount } = await this.#pool.query(sql.UPDATE_WEBHOOK, [
      environmentId,
      webhookId,
      updatedAt,
      changes.url ?? null,
      changes.filters === undefined ? null : JSON.stringify(changes.filters),
      changes.description !== undefined,
      changes.description ?? null,
      changes.enabled ?? null,
      changes.sealedSecret ?? null,
    ]);
    return rowCount === 0 ? undefined : this.get(environmentId, webhookId);
  }

  async delete(environmentId: string, webhookId: string): Promise<boolean> {
    return this.inTransaction(async (client) => {
      const { rowCount } = await client.query(
        'DELETE FROM webhooks WHERE environment_id = $1 AND webhook_id = $2',
        [environmentId, webhookId],
      );
      await client.query('DELETE FROM webhook_deliveries WHERE environment_id = $1 AND webhook_id = $2', [
        environmentId,
        webhookId,
      ]);
      await client.query('DELETE FROM feed_followers WHERE environment_id = $1 AND follower_id = $2', [
        environmentId,
        webhookFollower(webhookId),
      ]);
      await client.query('DELETE FROM feed_leases WHERE name = $1', [webhookLease(environmentId, webhookId)]);
      return (rowCount ?? 0) > 0;
    });
  }

  async rewind(
    environmentId: string,
    webhookId: string,
    position: number,
    at: string,
  ): Promise<WebhookRecord | undefined> {
    const found = await this.inTransaction(async (client) => {
      const { rowCount } = await client.query(sql.REACTIVATE, [environmentId, webhookId, at]);
      if (rowCount === 0) return false;
      await client.query(sql.CANCEL_OPEN, [environmentId, webhookId]);
      await client.query(sql.SET_FOLLOWER, [environmentId, webhookFollower(webhookId), position, at]);
      return true;
    });
    return found ? this.get(environmentId, webhookId) : undefined;
  }

  async nextPending(environmentId: string, webhookId: string): Promise<DeliveryRecord | undefined> {
    const { rows } = await this.#pool.query<DeliveryRow>(sql.NEXT_PENDING, [environmentId, webhookId]);
    return rows[0] && toDeliveryRecord(rows[0]);
  }

  async advance(
    fence: Fence,
    from: number,
    to: number,
    delivery: NewDelivery | null,
    at: string,
  ): Promise<boolean> {
    const { environmentId: env, webhookId: id } = fence;
    return this.inTransaction(async (client) => {
      if (!(await fenceHolds(client, fence))) return false;
      // Locks the follower row: an operator's rewind waits, or this sees its position and stops.
      const { rows } = await client.query<{ position: string }>(sql.READY_TO_ADVANCE, [
        env,
        id,
        webhookFollower(id),
      ]);
      if (rows[0] === undefined || Number(rows[0].position) !== from) return false;
      await client.query(sql.SET_FOLLOWER, [env, webhookFollower(id), to, at]);
      if (delivery) {
        await client.query(sql.INSERT_DELIVERY, [
          env,
          id,
          delivery.deliveryId,
          delivery.firstPosition,
          delivery.lastPosition,
          delivery.entries,
          delivery.body,
          delivery.createdAt,
          delivery.nextAttemptAt,
        ]);
      }
      return true;
    });
  }

  async recordAttempt(fence: Fence, deliveryId: string, attempt: AttemptResult): Promise<boolean> {
    const { environmentId: env, webhookId: id } = fence;
    return this.inTransaction(async (client) => {
      if (!(await fenceHolds(client, fence))) return false;
      const { rowCount } = await client.query(sql.RECORD_ATTEMPT, [
        env,
        id,
        deliveryId,
        attempt.status,
        attempt.at,
        attempt.httpStatus,
        attempt.error,
        attempt.nextAttemptAt,
      ]);
      if (rowCount === 0) return false;
      if (attempt.status === 'failed') await client.query(sql.MARK_FAILING, [env, id, attempt.at]);
      return true;
    });
  }

  async pruneDeliveries(environmentId: string, webhookId: string, belowNumber: number): Promise<number> {
    const { rowCount } = await this.#pool.query(sql.PRUNE_DELIVERIES, [
      environmentId,
      webhookId,
      belowNumber,
    ]);
    return rowCount ?? 0;
  }

  async countLeases(prefix: string, now: string): Promise<number> {
    const { rows } = await this.#pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM feed_leases WHERE left(name, $1) = $2 AND until > $3',
      [prefix.length, prefix, now],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async listDeliveries(
    environmentId: string,
    webhookId: string,
    before: number | null,
    limit: number,
  ): Promise<DeliveryRecord[]> {
    const { rows } = await this.#pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
       WHERE environment_id = $1 AND webhook_id = $2 AND number < $3 ORDER BY number DESC LIMIT $4`,
      [environmentId, webhookId, before ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map(toDeliveryRecord);
  }

  private async inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await rollback(client, error);
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/** True while the fence's lease has its generation; locks the lease row until the transaction ends. */
async function fenceHolds(client: pg.PoolClient, fence: Fence): Promise<boolean> {
  const { rows } = await client.query<{ generation: string }>(
    'SELECT generation FROM feed_leases WHERE name = $1 FOR SHARE',
    [webhookLease(fence.environmentId, fence.webhookId)],
  );
  return rows[0] !== undefined && Number(rows[0].generation) === fence.generation;
}
