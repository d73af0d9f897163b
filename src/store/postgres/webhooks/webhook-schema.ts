/**
 * PostgreSQL migration 6: webhook subscriptions and their deliveries (docs/webhooks.md), the same
 * tables as SQLite's. A subscription's progress is its feed follower (feed_followers, follower id
 * `webhook:{webhookId}`). On Citus both tables are distributed by environment_id, like the ledger.
 */
export const WEBHOOKS_MIGRATION = `
  CREATE TABLE webhooks (
    environment_id TEXT COLLATE "C" NOT NULL,
    webhook_id TEXT COLLATE "C" NOT NULL,
    url TEXT NOT NULL,
    -- The filter as the API took it.
    filters JSON NOT NULL,
    description TEXT,
    enabled BOOLEAN NOT NULL,
    -- The signing secret, encrypted (AES-256-GCM, key in the data directory's keys/).
    sealed_secret TEXT NOT NULL,
    -- active, or failing (a delivery gave up; an operator redelivers).
    status TEXT COLLATE "C" NOT NULL,
    failing_since TEXT COLLATE "C",
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (environment_id, webhook_id)
  );
  -- One row per delivery: a batch of entries with its fixed id and body, and its last attempt.
  CREATE TABLE webhook_deliveries (
    environment_id TEXT COLLATE "C" NOT NULL,
    webhook_id TEXT COLLATE "C" NOT NULL,
    number BIGINT NOT NULL,
    delivery_id TEXT COLLATE "C" NOT NULL,
    first_position BIGINT NOT NULL,
    last_position BIGINT NOT NULL,
    entries INTEGER NOT NULL,
    body TEXT NOT NULL,
    -- pending, delivered, failed (gave up) or cancelled (rewound by an operator).
    status TEXT COLLATE "C" NOT NULL,
    attempts INTEGER NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    next_attempt_at TEXT COLLATE "C",
    last_attempt_at TEXT COLLATE "C",
    last_status INTEGER,
    last_error TEXT,
    delivered_at TEXT COLLATE "C",
    PRIMARY KEY (environment_id, webhook_id, number)
  );
  CREATE UNIQUE INDEX webhook_deliveries_by_id ON webhook_deliveries (environment_id, webhook_id, delivery_id);
  -- The next pending delivery of a subscription.
  CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (environment_id, webhook_id, number)
    WHERE status = 'pending';
`;
