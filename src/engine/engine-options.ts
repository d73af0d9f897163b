import type { QueryLimits } from '../domain/query/query-plan.js';
import type { Store } from '../store/store.js';
import type { WebhookOptions } from './webhooks/webhook-ports.js';

/** What the engine is built from (main.ts picks them; tests build their own). */
export interface EngineOptions {
  readonly store: Store;
  readonly clock: () => Date;
  readonly limits: QueryLimits;
  /** How long a cached configuration is trusted before it is re-read (ms). */
  readonly configTtlMs?: number;
  /** Told about unexpected failures of background work and of single write items, e.g. to log them. */
  readonly onBackgroundError?: (error: unknown) => void;
  /** How long the change feed serves entries by position (default 7 days). */
  readonly feedRetentionMs?: number;
  /** Scope states each environment's live feed stream keeps in memory (default 10,000). */
  readonly feedCacheScopes?: number;
  /** Positions per checkpoint span of as-of queries (default SPAN_SIZE). */
  readonly feedSpanSize?: number;
  /** Stock rows availability queries keep in memory (default 1,000,000; 0: always read the database). */
  readonly readCacheRows?: number;
  /** How long a query waits for the in-memory stock to catch up before it reads the database (ms). */
  readonly readWaitMs?: number;
  /** Webhooks: secrets at rest, the sender, the operator's settings (main.ts). */
  readonly webhooks?: WebhookOptions;
  /** How often adjustment lines not yet applied are posted, ms (default 5 minutes). */
  readonly adjustmentPostMs?: number;
  /** How long finished OCI exports and their files are kept after they finished, ms (default 72 hours). */
  readonly ociExportRetentionMs?: number;
}
