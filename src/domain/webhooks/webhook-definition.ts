import { fail } from '../codes.js';
import { parseMeasureRef } from '../config/parse-measure-ref.js';
import type { FeedFilter } from '../feed/feed-filter.js';
import { formatQty, parseQty } from '../quantity.js';
import { isIpLiteral, isPrivateAddress } from './private-address.js';

/** Longest accepted target URL. */
export const MAX_URL_LENGTH = 2048;

/**
 * A subscription's filters as the API takes and shows them: the change feed's filters (docs/feed.md),
 * each list meaning "any of these", and a threshold (`measure` with `below` or `above`).
 */
export type WebhookFilters = {
  readonly productId?: readonly string[];
  readonly siteId?: readonly string[];
  readonly locationId?: readonly string[];
  readonly kind?: readonly string[];
  readonly measure?: string;
  readonly below?: unknown;
  readonly above?: unknown;
};

/**
 * Checks a target URL: absolute http or https, no user name or password in it, at most MAX_URL_LENGTH
 * characters. Unless `allowPrivate`, a host that is an IP literal of a private or loopback range, or
 * `localhost`, is refused (webhook_target_forbidden); names are checked again each time a delivery
 * connects, with the addresses DNS gives then. Returns the URL as WHATWG URL serialises it.
 */
export function checkTargetUrl(raw: string, allowPrivate: boolean, path = '/url'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(
      'invalid_webhook_url',
      path,
      'The URL is not an absolute URL such as https://hooks.example.com/onhand.',
    );
  }
  if (raw.length > MAX_URL_LENGTH)
    fail('invalid_webhook_url', path, `The URL is longer than ${MAX_URL_LENGTH} characters.`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail('invalid_webhook_url', path, 'The URL must start with https:// (or http://).');
  if (url.username !== '' || url.password !== '')
    fail(
      'invalid_webhook_url',
      path,
      'The URL must not carry a user name or password; the signature authenticates deliveries.',
    );
  if (url.hash !== '') fail('invalid_webhook_url', path, 'The URL must not have a #fragment.');
  const host = url.hostname.toLowerCase();
  const local = host === 'localhost' || host.endsWith('.localhost');
  if (!allowPrivate && (local || (isIpLiteral(host) && isPrivateAddress(host))))
    fail(
      'webhook_target_forbidden',
      path,
      `${url.hostname} is a loopback or private address; webhooks are delivered to public addresses only.`,
    );
  return url.toString();
}

/**
 * Normalises filters (lists without duplicates, the measure lower-case, the threshold an exact
 * decimal) and turns them into the feed's filter. Throws invalid_request for a threshold that is not
 * `measure` with exactly one of `below` or `above`.
 */
export function normaliseFilters(
  filters: WebhookFilters,
  path = '/filters',
): { readonly filters: WebhookFilters; readonly feedFilter: FeedFilter } {
  const list = (values: readonly string[] | undefined) => [...new Set(values ?? [])];
  const lists = {
    productId: list(filters.productId),
    siteId: list(filters.siteId),
    locationId: list(filters.locationId),
    kind: list(filters.kind),
  };
  const feedFilter: FeedFilter = {
    productIds: lists.productId,
    siteIds: lists.siteId,
    locationIds: lists.locationId,
    kinds: lists.kind,
  };
  const { measure, below, above } = filters;
  if (measure === undefined && below === undefined && above === undefined)
    return { filters: lists, feedFilter };
  const ref = measure === undefined ? undefined : parseMeasureRef(measure.toLowerCase());
  if (!ref || (below === undefined) === (above === undefined))
    fail(
      'invalid_request',
      `${path}/measure`,
      'A threshold takes measure ("dataSource.measure") and exactly one of below or above.',
    );
  const direction = below !== undefined ? 'below' : 'above';
  const value = parseQty(below ?? above, `${path}/${direction}`);
  return {
    filters: { ...lists, measure: `${ref.dataSource}.${ref.measure}`, [direction]: formatQty(value) },
    feedFilter: { ...feedFilter, threshold: { ...ref, direction, value } },
  };
}

/** The `whsec_` prefix of a Standard Webhooks secret. */
export const SECRET_PREFIX = 'whsec_';

/**
 * The key bytes of a Standard Webhooks secret: `whsec_` followed by the base64 of 24 to 64 random
 * bytes. Throws invalid_webhook_secret for anything else.
 */
export function secretKey(secret: string, path = '/secret'): Uint8Array {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  const valid = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && encoded.length % 4 === 0;
  const key = valid ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length < 24 || key.length > 64)
    fail(
      'invalid_webhook_secret',
      path,
      'A secret is "whsec_" followed by the base64 of 24 to 64 random bytes; leave it out to have one generated.',
    );
  return key;
}
