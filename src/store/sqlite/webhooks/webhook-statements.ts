import type Database from 'better-sqlite3';
import { WEBHOOK_COLUMNS } from '../../webhook-rows.js';
import { type Fence, webhookLease } from '../../webhook-store.js';

/* The webhook statements of SqliteStore (sqlite-webhooks.ts). */

export const SELECT_WEBHOOK = `SELECT ${WEBHOOK_COLUMNS} FROM webhooks w
  LEFT JOIN feed_followers f ON f.environment_id = w.environment_id AND f.follower_id = 'webhook:' || w.webhook_id`;

export const INSERT_WEBHOOK = `INSERT INTO webhooks (environment_id, webhook_id, url, filters, description, enabled, sealed_secret,
  status, failing_since, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?) ON CONFLICT DO NOTHING`;

export const SET_FOLLOWER = `INSERT INTO feed_followers (environment_id, follower_id, position, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (environment_id, follower_id) DO UPDATE SET position = excluded.position,
  updated_at = excluded.updated_at`;

export const READY_TO_ADVANCE = `SELECT f.position FROM webhooks w JOIN feed_followers f
  ON f.environment_id = w.environment_id AND f.follower_id = ?
  WHERE w.environment_id = ? AND w.webhook_id = ? AND w.status = 'active'
  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.environment_id = w.environment_id
  AND d.webhook_id = w.webhook_id AND d.status = 'pending')`;

export const INSERT_DELIVERY = `INSERT INTO webhook_deliveries (environment_id, webhook_id, number, delivery_id, first_position,
  last_position, entries, body, status, attempts, created_at, next_attempt_at)
  SELECT ?, ?, coalesce(max(number), 0) + 1, ?, ?, ?, ?, ?, 'pending', 0, ?, ?
  FROM webhook_deliveries WHERE environment_id = ? AND webhook_id = ?`;

export const RECORD_ATTEMPT = `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_attempt_at = ?,
  last_status = ?, last_error = ?, next_attempt_at = ?, body = CASE WHEN ? = 'delivered' THEN '' ELSE body END,
  delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
  WHERE environment_id = ? AND webhook_id = ? AND delivery_id = ? AND status = 'pending'`;

export /** True while the lease of the fence has the fence's generation (the writer runs one transaction at a time). */
function fenceHolds(db: Database.Database, fence: Fence): boolean {
  const row = db
    .prepare<[string], { generation: number | bigint }>('SELECT generation FROM feed_leases WHERE name = ?')
    .get(webhookLease(fence.environmentId, fence.webhookId));
  return row !== undefined && Number(row.generation) === fence.generation;
}
