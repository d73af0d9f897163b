import { randomBytes } from 'node:crypto';
import type { FeedEntry } from '../feed/feed-entry.js';
import { feedEntryJson } from '../feed/feed-entry.js';

/** A delivery's body stays under this many bytes (one entry more than that is sent alone). */
const MAX_BODY_BYTES = 512 * 1024;

/** The event type of every delivery (Standard Webhooks' `type`). */
export const DELIVERY_TYPE = 'onhand.feed.entries';

/** A delivery made of the first entries of a page, and the position it ends at. */
export interface Batch {
  readonly deliveryId: string;
  readonly body: string;
  readonly entries: number;
  readonly firstPosition: number;
  readonly lastPosition: number;
}

/**
 * Builds the body of one delivery from `entries` (in position order, at least one): as many of them as
 * fit in MAX_BODY_BYTES (at least one), in the Standard Webhooks payload shape
 * `{ type, timestamp, data: { environmentId, webhookId, entries, next } }`. `next` is the position of
 * the last entry sent: a receiver that stores it knows how far it got. The id (`webhook-id`) is a new
 * random `msg_…`; both are stored and sent unchanged on every attempt. `encode` writes JSON with exact
 * quantities (http/json.ts toJson, given by the composition root).
 */
export function buildBatch(
  environmentId: string,
  webhookId: string,
  entries: readonly FeedEntry[],
  createdAt: string,
  encode: (value: unknown) => string,
): Batch {
  const parts: string[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const json = encode(feedEntryJson(entry));
    if (parts.length > 0 && bytes + json.length > MAX_BODY_BYTES) break;
    parts.push(json);
    bytes += json.length + 1;
  }
  const first = entries[0] as FeedEntry;
  const last = entries[parts.length - 1] as FeedEntry;
  const head = JSON.stringify({ type: DELIVERY_TYPE, timestamp: createdAt }).slice(0, -1);
  const data = `{"environmentId":${JSON.stringify(environmentId)},"webhookId":${JSON.stringify(webhookId)},"entries":[${parts.join(',')}],"next":"${last.position}"}`;
  return {
    deliveryId: `msg_${randomBytes(16).toString('hex')}`,
    body: `${head},"data":${data}}`,
    entries: parts.length,
    firstPosition: first.position,
    lastPosition: last.position,
  };
}
