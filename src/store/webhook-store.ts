/**
 * Webhook subscriptions and their deliveries (docs/webhooks.md), the Store port's part for them.
 *
 * A subscription follows the change feed like any follower: its progress is the feed follower
 * `webhook:{webhookId}` (feed_followers), the last position handed to a delivery or skipped by its
 * filter. One process at a time works a subscription, holding the feed lease `webhookLease(…)`
 * (store.feed.acquireLease); every write of that work names the lease's generation (a `Fence`) and is
 * refused once the lease changed hands, so a process that lost the lease can never record a result or
 * open a delivery over the new holder's.
 */
export interface WebhookStore {
  /** Creates a subscription, its follower at `position`. False when the id exists in the environment. */
  create(record: NewWebhook, position: number): Promise<boolean>;
  get(environmentId: string, webhookId: string): Promise<WebhookRecord | undefined>;
  /** The environment's subscriptions, oldest first. */
  list(environmentId: string): Promise<WebhookRecord[]>;
  /** Subscriptions of every environment that are enabled and not failing: what dispatchers work on. */
  listDispatchable(): Promise<WebhookKey[]>;
  /** Applies `changes`; the updated record, or undefined when there is no such subscription. */
  update(
    environmentId: string,
    webhookId: string,
    changes: WebhookChanges,
    updatedAt: string,
  ): Promise<WebhookRecord | undefined>;
  /** Deletes a subscription with its deliveries and follower position. False when there was none. */
  delete(environmentId: string, webhookId: string): Promise<boolean>;
  /**
   * Redelivery from a position: cancels the subscription's pending and failed deliveries, moves its
   * follower to `position` (back or forward) and makes it active again. Undefined when there is none.
   */
  rewind(
    environmentId: string,
    webhookId: string,
    position: number,
    at: string,
  ): Promise<WebhookRecord | undefined>;

  /** The oldest pending delivery of a subscription (the next one to attempt), or undefined. */
  nextPending(environmentId: string, webhookId: string): Promise<DeliveryRecord | undefined>;
  /**
   * Moves the follower from `from` to `to` and, when `delivery` is given, records it as the
   * subscription's next delivery (its number one more than the last). Does nothing and returns false
   * unless the fence holds, the follower is still at `from` (an operator may have rewound it), the
   * subscription is active and no delivery is pending. `at`: now, for the follower's time.
   */
  advance(fence: Fence, from: number, to: number, delivery: NewDelivery | null, at: string): Promise<boolean>;
  /**
   * Records one attempt of a pending delivery. Does nothing and returns false unless the fence holds
   * and the delivery is still pending. Status `failed`: the delivery gave up, the subscription is marked
   * failing. Status `delivered`: the body is no longer kept (the log keeps the rest).
   */
  recordAttempt(fence: Fence, deliveryId: string, attempt: AttemptResult): Promise<boolean>;
  /** Removes the delivered and cancelled deliveries numbered below `belowNumber`; how many it removed. */
  pruneDeliveries(environmentId: string, webhookId: string, belowNumber: number): Promise<number>;
  /** How many feed leases whose name starts with `prefix` are held at `now` (live dispatchers). */
  countLeases(prefix: string, now: string): Promise<number>;
  /** Deliveries of a subscription, newest first, numbered below `before` (all when null). */
  listDeliveries(
    environmentId: string,
    webhookId: string,
    before: number | null,
    limit: number,
  ): Promise<DeliveryRecord[]>;
}

/** The feed lease name of a subscription's work. */
export function webhookLease(environmentId: string, webhookId: string): string {
  return `webhook:${environmentId}:${webhookId}`;
}

/** The feed follower id of a subscription. */
export function webhookFollower(webhookId: string): string {
  return `webhook:${webhookId}`;
}

export interface WebhookKey {
  readonly environmentId: string;
  readonly webhookId: string;
}

/** The lease a write is made under: refused when the lease's generation is no longer this one. */
export interface Fence extends WebhookKey {
  readonly generation: number;
}

/** Whether a subscription is delivering, or gave up on a delivery and waits for an operator. */
export type WebhookStatus = 'active' | 'failing';

export interface NewWebhook extends WebhookKey {
  readonly url: string;
  /** The filter as the API took it (JSON), re-parsed against the configuration when used. */
  readonly filters: Readonly<Record<string, unknown>>;
  readonly description: string | null;
  readonly enabled: boolean;
  /** The signing secret, sealed (encrypted at rest); never stored in clear. */
  readonly sealedSecret: string;
  readonly createdAt: string;
}

export interface WebhookRecord extends NewWebhook {
  readonly status: WebhookStatus;
  /** When the subscription was marked failing; null while active. */
  readonly failingSince: string | null;
  readonly updatedAt: string;
  /** The follower's position: everything up to it was handed to a delivery or filtered out. */
  readonly position: number;
}

export interface WebhookChanges {
  readonly url?: string;
  readonly filters?: Readonly<Record<string, unknown>>;
  readonly description?: string | null;
  readonly enabled?: boolean;
  readonly sealedSecret?: string;
}

/** Where a delivery stands: pending (being attempted), delivered, failed (gave up), cancelled (rewound). */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

export interface NewDelivery {
  /** The `webhook-id` header: fixed at the first attempt, the same on every retry. */
  readonly deliveryId: string;
  readonly firstPosition: number;
  readonly lastPosition: number;
  readonly entries: number;
  /** The exact body sent on every attempt ('' once delivered or cancelled: it is not kept). */
  readonly body: string;
  readonly createdAt: string;
  /** When to make the first attempt (normally createdAt). */
  readonly nextAttemptAt: string;
}

export interface DeliveryRecord extends Omit<NewDelivery, 'nextAttemptAt'>, WebhookKey {
  /** When the next attempt is due; null once delivered, failed or cancelled. */
  readonly nextAttemptAt: string | null;
  /** 1, 2, 3 … per subscription, in the order deliveries were opened (and so in position order). */
  readonly number: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  /** The HTTP status of the last attempt; null when it got none (refused, timed out, …). */
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

export interface AttemptResult {
  readonly at: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly httpStatus: number | null;
  readonly error: string | null;
  /** When to try again (status pending). */
  readonly nextAttemptAt: string | null;
}
