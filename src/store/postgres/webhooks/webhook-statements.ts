import { DELIVERY_COLUMNS, WEBHOOK_COLUMNS } from '../../webhook-rows.js';

/* The webhook statements of PostgresStore (postgres-webhooks.ts). */

const SELECT_WEBHOOK = `SELECT ${WEBHOOK_COLUMNS} FROM webhooks w
  LEFT JOIN feed_followers f ON f.environment_id = w.environment_id AND f.follower_id = 'webhook:' || w.webhook_id`;

export const GET_WEBHOOK = `${SELECT_WEBHOOK} WHERE w.environment_id = $1 AND w.webhook_id = $2`;

export const LIST_WEBHOOKS = `${SELECT_WEBHOOK} WHERE w.environment_id = $1 ORDER BY w.created_at, w.webhook_id`;

export const DISPATCHABLE = `SELECT environment_id, webhook_id FROM webhooks WHERE enabled AND status = 'active'
  ORDER BY environment_id, webhook_id`;

/** (env, id, url, filters, description, enabled, sealed secret, created at) */
export const INSERT_WEBHOOK = `INSERT INTO webhooks (environment_id, webhook_id, url, filters, description, enabled,
    sealed_secret, status, failing_since, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', NULL, $8, $8) ON CONFLICT DO NOTHING`;

/** (env, follower, position, at): sets a follower's position, back or forward. */
export const SET_FOLLOWER = `INSERT INTO feed_followers (environment_id, follower_id, position, updated_at)
  VALUES ($1, $2, $3, $4) ON CONFLICT (environment_id, follower_id)
  DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`;

/** (env, id, at, url?, filters?, set description?, description, enabled?, sealed secret?): null keeps a value. */
export const UPDATE_WEBHOOK = `UPDATE webhooks SET updated_at = $3, url = coalesce($4, url),
    filters = coalesce($5::json, filters), description = CASE WHEN $6 THEN $7 ELSE description END,
    enabled = coalesce($8, enabled), sealed_secret = coalesce($9, sealed_secret)
  WHERE environment_id = $1 AND webhook_id = $2`;

/** (env, id, at) */
export const REACTIVATE = `UPDATE webhooks SET status = 'active', failing_since = NULL, updated_at = $3
  WHERE environment_id = $1 AND webhook_id = $2`;

/** (env, id) */
export const CANCEL_OPEN = `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, body = ''
  WHERE environment_id = $1 AND webhook_id = $2 AND status IN ('pending', 'failed')`;

/** (env, id) */
export const NEXT_PENDING = `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
  WHERE environment_id = $1 AND webhook_id = $2 AND status = 'pending' ORDER BY number LIMIT 1`;

/** (env, id, follower) → the follower's position when the subscription is active with nothing pending. */
export const READY_TO_ADVANCE = `SELECT f.position FROM webhooks w JOIN feed_followers f
    ON f.environment_id = w.environment_id AND f.follower_id = $3
  WHERE w.environment_id = $1 AND w.webhook_id = $2 AND w.status = 'active'
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.environment_id = w.environment_id
      AND d.webhook_id = w.webhook_id AND d.status = 'pending')
  FOR UPDATE OF f`;

/** (env, id, delivery id, first, last, entries, body, created at, next attempt at) */
export const INSERT_DELIVERY = `INSERT INTO webhook_deliveries (environment_id, webhook_id, number, delivery_id,
    first_position, last_position, entries, body, status, attempts, created_at, next_attempt_at)
  SELECT $1::text, $2::text, coalesce(max(number), 0) + 1, $3::text, $4::bigint, $5::bigint, $6::integer,
    $7::text, 'pending', 0, $8::text, $9::text
  FROM webhook_deliveries WHERE environment_id = $1 AND webhook_id = $2`;

/** (env, id, delivery id, status, at, http status, error, next attempt at) */
export const RECORD_ATTEMPT = `UPDATE webhook_deliveries SET status = $4, attempts = attempts + 1,
    last_attempt_at = $5, last_status = $6, last_error = $7, next_attempt_at = $8,
    body = CASE WHEN $4 = 'delivered' THEN '' ELSE body END,
    delivered_at = CASE WHEN $4 = 'delivered' THEN $5 ELSE delivered_at END
  WHERE environment_id = $1 AND webhook_id = $2 AND delivery_id = $3 AND status = 'pending'`;

/** (env, id, at) */
export const MARK_FAILING = `UPDATE webhooks SET status = 'failing', failing_since = $3, updated_at = $3
  WHERE environment_id = $1 AND webhook_id = $2`;

/** (env, id, below number) */
export const PRUNE_DELIVERIES = `DELETE FROM webhook_deliveries
  WHERE environment_id = $1 AND webhook_id = $2 AND number < $3 AND status IN ('delivered', 'cancelled')`;
