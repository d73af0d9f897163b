import { randomBytes } from 'node:crypto';
import { OnhandError } from '../../domain/codes.js';
import {
  checkTargetUrl,
  normaliseFilters,
  SECRET_PREFIX,
  secretKey,
  type WebhookFilters,
} from '../../domain/webhooks/webhook-definition.js';
import type { Store } from '../../store/store.js';
import type { DeliveryRecord, WebhookChanges, WebhookRecord } from '../../store/webhook-store.js';
import type { Environments } from '../environments.js';
import type { Feed } from '../feed/feed.js';
import type { SecretBox, WebhookSettings } from './webhook-ports.js';

/** What a request may set on a subscription (every field optional on update). */
export interface WebhookInput {
  readonly url?: string;
  readonly filters?: WebhookFilters;
  readonly secret?: string;
  readonly description?: string | null;
  readonly enabled?: boolean;
}

/** A subscription as the API shows it (never with its secret, except once when created). */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly filters: Readonly<Record<string, unknown>>;
  readonly description: string | null;
  readonly enabled: boolean;
  readonly status: 'active' | 'failing';
  readonly failingSince: string | null;
  /** Everything up to this position was handed to a delivery or filtered out. */
  readonly position: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One delivery of the log (GET …/webhooks/{id}/deliveries). */
export interface DeliveryView {
  readonly id: string;
  readonly number: number;
  readonly status: string;
  readonly firstPosition: string;
  readonly lastPosition: string;
  readonly entries: number;
  readonly attempts: number;
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
}

/** How long creating a subscription waits for acknowledged entries to get positions (it starts after them). */
const SETTLE_MS = 5000;

/** The context a subscription's secret is sealed with: a sealed value moved to another row does not open. */
export function secretContext(environmentId: string, webhookId: string): string {
  return `webhook/${environmentId}/${webhookId}`;
}

/**
 * Webhook subscriptions (docs/webhooks.md): create, read, change, delete, redeliver from a position, and
 * the delivery log. Deliveries themselves are made by the dispatcher (webhook-dispatcher.ts).
 */
export class Webhooks {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly environments: Environments;
      readonly feed: Feed;
      readonly secrets: SecretBox;
      readonly clock: () => Date;
      readonly settings: WebhookSettings;
    },
  ) {}

  /** Creates a subscription that delivers every entry from now on; its secret is returned only here. */
  async create(environmentId: string, input: WebhookInput): Promise<WebhookView & { secret: string }> {
    const { store, environments, clock } = this.deps;
    await environments.get(environmentId);
    const url = checkTargetUrl(input.url ?? '', this.deps.settings.allowPrivate);
    const { filters } = normaliseFilters(input.filters ?? {});
    const secret = input.secret ?? `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
    secretKey(secret);
    const webhookId = `wh_${randomBytes(12).toString('hex')}`;
    const position = (await store.feed.settleAll(SETTLE_MS)) ?? (await store.feed.head());
    const createdAt = clock().toISOString();
    await store.webhooks.create(
      {
        environmentId,
        webhookId,
        url,
        filters,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        sealedSecret: this.deps.secrets.seal(secret, secretContext(environmentId, webhookId)),
        createdAt,
      },
      position,
    );
    return { ...(await this.get(environmentId, webhookId)), secret };
  }

  async list(environmentId: string): Promise<WebhookView[]> {
    await this.deps.environments.get(environmentId);
    return (await this.deps.store.webhooks.list(environmentId)).map(viewOf);
  }

  async get(environmentId: string, webhookId: string): Promise<WebhookView> {
    return viewOf(await this.record(environmentId, webhookId));
  }

  /** Changes the given fields; a new secret takes effect from the next attempt. */
  async update(environmentId: string, webhookId: string, input: WebhookInput): Promise<WebhookView> {
    await this.record(environmentId, webhookId);
    const changes: { -readonly [K in keyof WebhookChanges]: WebhookChanges[K] } = {};
    if (input.url !== undefined) changes.url = checkTargetUrl(input.url, this.deps.settings.allowPrivate);
    if (input.filters !== undefined) changes.filters = normaliseFilters(input.filters).filters;
    if (input.description !== undefined) changes.description = input.description;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.secret !== undefined) {
      secretKey(input.secret);
      changes.sealedSecret = this.deps.secrets.seal(input.secret, secretContext(environmentId, webhookId));
    }
    const updated = await this.deps.store.webhooks.update(
      environmentId,
      webhookId,
      changes,
      this.deps.clock().toISOString(),
    );
    if (!updated) throw notFound(webhookId);
    return viewOf(updated);
  }

  async remove(environmentId: string, webhookId: string): Promise<void> {
    await this.deps.environments.get(environmentId);
    if (!(await this.deps.store.webhooks.delete(environmentId, webhookId))) throw notFound(webhookId);
  }

  /**
   * Redelivers every entry after `after` (and makes a failing subscription active again): pending and
   * failed deliveries are cancelled, and new ones are made from that position, in order.
   */
  async redeliver(environmentId: string, webhookId: string, after: number): Promise<WebhookView> {
    await this.record(environmentId, webhookId);
    await this.deps.feed.checkCursor(environmentId, after);
    const head = (await this.deps.store.feed.settleAll(SETTLE_MS)) ?? (await this.deps.store.feed.head());
    if (after > head)
      throw new OnhandError(
        'invalid_request',
        `Position ${after} has not been reached yet (the latest is ${head}).`,
        [{ code: 'invalid_request', path: '/after', message: 'Give a position the feed gave out.' }],
      );
    const record = await this.deps.store.webhooks.rewind(
      environmentId,
      webhookId,
      after,
      this.deps.clock().toISOString(),
    );
    if (!record) throw notFound(webhookId);
    return viewOf(record);
  }

  /** The delivery log, newest first, numbered below `before` (all when null). */
  async deliveries(
    environmentId: string,
    webhookId: string,
    before: number | null,
    limit: number,
  ): Promise<DeliveryView[]> {
    await this.record(environmentId, webhookId);
    const records = await this.deps.store.webhooks.listDeliveries(environmentId, webhookId, before, limit);
    return records.map(deliveryViewOf);
  }

  private async record(environmentId: string, webhookId: string): Promise<WebhookRecord> {
    await this.deps.environments.get(environmentId);
    const record = await this.deps.store.webhooks.get(environmentId, webhookId);
    if (!record) throw notFound(webhookId);
    return record;
  }
}

function notFound(webhookId: string): OnhandError {
  return new OnhandError('webhook_not_found', `No webhook subscription "${webhookId}" in this environment.`);
}

function viewOf(r: WebhookRecord): WebhookView {
  return {
    id: r.webhookId,
    url: r.url,
    filters: r.filters,
    description: r.description,
    enabled: r.enabled,
    status: r.status,
    failingSince: r.failingSince,
    position: String(r.position),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function deliveryViewOf(d: DeliveryRecord): DeliveryView {
  return {
    id: d.deliveryId,
    number: d.number,
    status: d.status,
    firstPosition: String(d.firstPosition),
    lastPosition: String(d.lastPosition),
    entries: d.entries,
    attempts: d.attempts,
    createdAt: d.createdAt,
    lastAttemptAt: d.lastAttemptAt,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt,
    deliveredAt: d.deliveredAt,
  };
}
