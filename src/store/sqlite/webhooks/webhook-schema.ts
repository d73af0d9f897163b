/**
 * SQLite migration 9: webhook subscriptions and their deliveries (docs/webhooks.md). A subscription's
 * progress is its feed follower (feed_followers, follower id `webhook:{webhookId}`).
 */
export const WEBHOOKS_MIGRATION = `
  CREATE TABLE webhooks (
    environment_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    url TEXT NOT NULL,
    -- The filter as the API took it (JSON).
    filters TEXT NOT NULL,
    description TEXT,
    enabled INTEGER NOT NULL,
    -- The signing secret, encrypted (AES-256-GCM, key in the data directory's keys/).
    sealed_secret TEXT NOT NULL,
    -- active, or failing (a delivery gave up; an operator redelivers).
    status TEXT NOT NULL,
    failing_since TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (environment_id, webhook_id)
  ) STRICT, WITHOUT ROWID;
  -- One row per delivery: a batch of entries with its fixed id and body, and its last attempt.
  CREATE TABLE webhook_deliveries (
    environment_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    delivery_id TEXT NOT NULL,
    first_position INTEGER NOT NULL,
    last_position INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    body TEXT NOT NULL,
    -- pending, delivered, failed (gave up) or cancelled (rewound by an operator).
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT,
    last_attempt_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    delivered_at TEXT,
    PRIMARY KEY (environment_id, webhook_id, number)
  ) STRICT, WITHOUT ROWID;
  CREATE UNIQUE INDEX webhook_deliveries_by_id ON webhook_deliveries (environment_id, webhook_id, delivery_id);
  -- The next pending delivery of a subscription.
  CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (environment_id, webhook_id, number)
    WHERE status = 'pending';
`;
