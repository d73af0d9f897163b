/**
 * @onhand/client: the Onhand SDK for Node 20+ and browsers (docs/sdk.md).
 */
export {
  AvailabilityCache,
  type AvailabilityCacheOptions,
  type CacheLevel,
  type CacheStatus,
  type VerifyResult,
} from './cache.js';
export type { AvailabilityRecord } from './cache-state.js';
export { Checkout, type Hold, type LineItem, newEventId, type ReservedMeasure } from './checkout.js';
export {
  type ApiResponse,
  type Consistency,
  OnhandClient,
  type OnhandClientOptions,
  type RequestOptions,
} from './client.js';
export { canonicalDimensions, digestText, formatQuantity, sha256Hex } from './digest.js';
export { OnhandApiError } from './errors.js';
export type { EventSourceConstructor, EventSourceLike } from './sse.js';
export type { Credentials } from './tokens.js';
export type * from './types.js';
