import { OnhandError } from '../../domain/codes.js';
import { keepsRetrying, retryDelayMs } from '../../domain/webhooks/retry-schedule.js';
import { normaliseFilters } from '../../domain/webhooks/webhook-definition.js';
import type { Store } from '../../store/store.js';
import type { DeliveryRecord, Fence, WebhookRecord } from '../../store/webhook-store.js';
import type { Feed } from '../feed/feed.js';
import { buildBatch } from './delivery-body.js';
import { FeedReadAhead } from './read-ahead.js';
import { deliveryHeaders } from './signature.js';
import type { AttemptReport, SecretBox, WebhookSender, WebhookSettings } from './webhook-ports.js';
import { secretContext } from './webhook-service.js';

/** What a worker needs. */
export interface WorkerDeps {
  readonly store: Store;
  readonly feed: Feed;
  readonly secrets: SecretBox;
  readonly sender: WebhookSender;
  readonly clock: () => Date;
  readonly settings: WebhookSettings;
  /** Writes JSON with exact quantities (http/json.ts toJson). */
  readonly encode: (value: unknown) => string;
  /** In [0, 1): the jitter of retries. */
  readonly random: () => number;
  /** Told about failed attempts and recoveries (webhook-ports.ts AttemptReport). */
  readonly onAttempt?: (report: AttemptReport) => void;
}

/**
 * What to do after a step: `next` at once, `idle` until new entries may have come, `wait` ms (a retry
 * is due later), or `stop` (the subscription is gone, disabled or failing: give its lease back).
 */
export type StepResult =
  | { readonly kind: 'next' }
  | { readonly kind: 'idle' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'wait'; readonly ms: number };

/** Deliveries the log of a subscription keeps (the older delivered and cancelled ones are removed). */
export const LOG_KEEP = 10_000;
const PRUNE_EVERY = 500;
/** How long to wait after the cursor of a subscription left the feed's retention window. */
const EXPIRED_WAIT_MS = 60_000;

/**
 * One step of a subscription's work, made while holding its lease (`fence`): attempt its pending
 * delivery when one is due, else open the next delivery from the entries after its position. Every
 * write is fenced, so a step of a process that lost the lease changes nothing. `reader`: the worker's
 * read of the feed, whose entries read ahead and scope states serve its next deliveries (read-ahead.ts).
 */
export async function step(
  deps: WorkerDeps,
  fence: Fence,
  reader: FeedReadAhead = new FeedReadAhead(),
): Promise<StepResult> {
  const { store } = deps;
  const webhook = await store.webhooks.get(fence.environmentId, fence.webhookId);
  if (!webhook?.enabled || webhook.status !== 'active') return { kind: 'stop' };
  const pending = await store.webhooks.nextPending(fence.environmentId, fence.webhookId);
  if (pending) return attempt(deps, fence, webhook, pending);
  return openDelivery(deps, fence, webhook, reader);
}

async function openDelivery(
  deps: WorkerDeps,
  fence: Fence,
  webhook: WebhookRecord,
  reader: FeedReadAhead,
): Promise<StepResult> {
  const { feedFilter } = normaliseFilters(webhook.filters);
  let page: Awaited<ReturnType<Feed['read']>>;
  try {
    const { environmentId, position } = webhook;
    page = await reader.read(deps.feed, environmentId, position, deps.settings.batchSize, feedFilter);
  } catch (error) {
    if (error instanceof OnhandError && error.code === 'cursor_expired')
      return { kind: 'wait', ms: EXPIRED_WAIT_MS };
    throw error;
  }
  const now = deps.clock().toISOString();
  if (page.entries.length === 0) {
    if (page.next === webhook.position) return { kind: 'idle' };
    // Entries the filter left out: move past them.
    await deps.store.webhooks.advance(fence, webhook.position, page.next, null, now);
    return { kind: 'next' };
  }
  const batch = buildBatch(webhook.environmentId, webhook.webhookId, page.entries, now, deps.encode);
  // A body cut short by its size ends at its last entry; otherwise at the last entry looked at.
  const to = batch.entries < page.entries.length ? batch.lastPosition : page.next;
  await deps.store.webhooks.advance(
    fence,
    webhook.position,
    to,
    {
      deliveryId: batch.deliveryId,
      firstPosition: batch.firstPosition,
      lastPosition: batch.lastPosition,
      entries: batch.entries,
      body: batch.body,
      createdAt: now,
      nextAttemptAt: now,
    },
    now,
  );
  return { kind: 'next' };
}

async function attempt(
  deps: WorkerDeps,
  fence: Fence,
  webhook: WebhookRecord,
  delivery: DeliveryRecord,
): Promise<StepResult> {
  const started = deps.clock();
  const due = delivery.nextAttemptAt === null ? started.getTime() : Date.parse(delivery.nextAttemptAt);
  if (due > started.getTime()) return { kind: 'wait', ms: due - started.getTime() };
  const secret = deps.secrets.open(
    webhook.sealedSecret,
    secretContext(webhook.environmentId, webhook.webhookId),
  );
  const timestamp = Math.floor(started.getTime() / 1000);
  const result = await deps.sender.send({
    url: webhook.url,
    headers: deliveryHeaders(secret, delivery.deliveryId, timestamp, delivery.body),
    body: delivery.body,
    timeoutMs: deps.settings.timeoutMs,
  });
  const now = deps.clock();
  const httpStatus = 'status' in result ? result.status : null;
  const delivered = httpStatus !== null && httpStatus >= 200 && httpStatus < 300;
  const error = 'error' in result ? result.error : delivered ? null : `HTTP ${httpStatus}`;
  const report = (retryAt?: string) =>
    deps.onAttempt?.({
      environmentId: fence.environmentId,
      webhookId: fence.webhookId,
      receiver: originOf(webhook.url),
      deliveryId: delivery.deliveryId,
      attempt: delivery.attempts + 1,
      delivered,
      httpStatus,
      error,
      ...(retryAt === undefined ? {} : { retryAt }),
    });
  if (delivered) {
    await deps.store.webhooks.recordAttempt(fence, delivery.deliveryId, {
      at: now.toISOString(),
      status: 'delivered',
      httpStatus,
      error: null,
      nextAttemptAt: null,
    });
    if (delivery.attempts > 0) report();
    // The log keeps the last LOG_KEEP deliveries of a subscription; trimmed now and then.
    if (delivery.number % PRUNE_EVERY === 0)
      await deps.store.webhooks.pruneDeliveries(
        fence.environmentId,
        fence.webhookId,
        delivery.number - LOG_KEEP + 1,
      );
    return { kind: 'next' };
  }
  const retry = keepsRetrying(Date.parse(delivery.createdAt), now.getTime(), deps.settings.retryPeriodMs);
  const delay = retryDelayMs(delivery.attempts + 1, deps.random());
  const retryAt = retry ? new Date(now.getTime() + delay).toISOString() : null;
  await deps.store.webhooks.recordAttempt(fence, delivery.deliveryId, {
    at: now.toISOString(),
    status: retry ? 'pending' : 'failed',
    httpStatus,
    error,
    nextAttemptAt: retryAt,
  });
  report(retryAt ?? undefined);
  return retry ? { kind: 'wait', ms: delay } : { kind: 'stop' };
}

/** The origin of a receiver's URL (its path and query may carry a token: never logged). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}
