import type { DeliveryRecord, DeliveryStatus, WebhookRecord, WebhookStatus } from './webhook-store.js';

/*
 * Rows of the webhook tables as both backends return them (PostgreSQL gives int8 as text and booleans
 * as booleans; SQLite gives integers), mapped to the port's records in one place.
 */

type Int = number | bigint | string;

export interface WebhookRow {
  environment_id: string;
  webhook_id: string;
  url: string;
  filters: string;
  description: string | null;
  enabled: number | bigint | boolean;
  sealed_secret: string;
  status: string;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
  position: Int | null;
}

export interface DeliveryRow {
  environment_id: string;
  webhook_id: string;
  number: Int;
  delivery_id: string;
  first_position: Int;
  last_position: Int;
  entries: Int;
  body: string;
  status: string;
  attempts: Int;
  created_at: string;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status: Int | null;
  last_error: string | null;
  delivered_at: string | null;
}

/** Columns of a webhook with its follower's position (feed_followers aliased f). */
export const WEBHOOK_COLUMNS = `w.environment_id, w.webhook_id, w.url, w.filters, w.description, w.enabled,
  w.sealed_secret, w.status, w.failing_since, w.created_at, w.updated_at, f.position`;

export const DELIVERY_COLUMNS = `environment_id, webhook_id, number, delivery_id, first_position, last_position,
  entries, body, status, attempts, created_at, next_attempt_at, last_attempt_at, last_status, last_error,
  delivered_at`;

export function toWebhookRecord(row: WebhookRow): WebhookRecord {
  return {
    environmentId: row.environment_id,
    webhookId: row.webhook_id,
    url: row.url,
    filters: JSON.parse(row.filters) as Record<string, unknown>,
    description: row.description,
    enabled: row.enabled === true || Number(row.enabled) === 1,
    sealedSecret: row.sealed_secret,
    status: row.status as WebhookStatus,
    failingSince: row.failing_since,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    position: Number(row.position ?? 0),
  };
}

export function toDeliveryRecord(row: DeliveryRow): DeliveryRecord {
  return {
    environmentId: row.environment_id,
    webhookId: row.webhook_id,
    number: Number(row.number),
    deliveryId: row.delivery_id,
    firstPosition: Number(row.first_position),
    lastPosition: Number(row.last_position),
    entries: Number(row.entries),
    body: row.body,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
  };
}
