import type { AdjustmentStore } from './adjustments/adjustment-store.js';
import type { ProductStore } from './catalogue/product-store.js';
import type { FeedStore } from './feed-store.js';
import type { JobStore } from './jobs/job-store.js';
import type { LedgerFormatStore } from './ledger-format/ledger-format-store.js';
import type { OciStore } from './oci/oci-store.js';
import type { OciImportStore } from './oci-imports/oci-import-store.js';
import type {
  ClientRecord,
  EnvironmentRecord,
  LedgerRecord,
  ReservationRecord,
  ScheduleCursor,
  ScheduleRow,
  ScheduleScope,
  StockCursor,
  StockRow,
  StockSelector,
} from './records.js';
import type { WebhookStore } from './webhook-store.js';

export type * from './records.js';

import type { StoreTx } from './store-tx.js';

export type { StoreTx };

/**
 * The Store port: everything the engine and the auth module need from a database, and nothing more.
 * Every backend (sqlite/, postgres/) implements it and passes the one conformance suite in test/store/.
 *
 * Contracts that hold for every backend:
 * - Reads outside a transaction see only committed data.
 * - `transaction` runs `fn` atomically: all of its writes commit together, durably, before the returned
 *   promise resolves, or none of them do (the promise rejects). Transactions that name overlapping lock
 *   keys never run at the same time, in this process or in any other process sharing the database.
 * - Quantities are exact 64-bit integers of millionths (see domain/quantity.ts).
 */
/** How a transaction may run (Store.transaction); a backend may ignore an option it has no use for. */
export interface TransactionOptions {
  /**
   * `fn` may start before the lock keys are held: they are taken with its first statement (PostgreSQL
   * sends both in one round trip), so every statement of `fn` still runs under them. Only for an `fn`
   * whose every effect is a statement of the transaction and that reads nothing outside it before its
   * first statement returns (group commit's guarded batches: the clock is read after the configuration
   * lock).
   */
  readonly lockWithFirstStatement?: boolean;
  /**
   * `fn` runs the same few statements every time, with few keys each (group commit's reservation
   * batches): a backend may prepare them once per connection and plan them once (PostgreSQL: named
   * statements with generic plans, postgres/prepared-statements.ts). Not for a transaction whose
   * statements' best plans depend on how many keys they carry (the on-hand batches).
   */
  readonly preparedStatements?: boolean;
}

export interface Store {
  /**
   * True when the backend places data by partition across machines (PostgreSQL distributed with
   * Citus): the engine then commits each partition's writes in transactions of their own, so that a
   * transaction stays on one machine.
   */
  readonly partitioned?: boolean;
  /** Short name of the backend, e.g. "sqlite". */
  readonly kind: string;
  /** Creates or upgrades the schema. Idempotent. */
  migrate(): Promise<void>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  /** Releases connections; further calls fail. */
  close(): Promise<void>;

  /** The change feed: positions in commit order, reads after a position, snapshots (feed-store.ts). */
  readonly feed: FeedStore;
  /** The product catalogue that product-search queries evaluate (catalogue/product-store.ts). */
  readonly products: ProductStore;
  /** Background jobs: resync, log-history extracts (jobs/job-store.ts). */
  readonly jobs: JobStore;
  /** Business-layer adjustment lines (adjustments/adjustment-store.ts). */
  readonly adjustments: AdjustmentStore;
  /** Omnichannel Inventory: location graph, safety stock, record outcomes (oci/oci-store.ts). */
  readonly oci: OciStore;
  /** OCI availability imports: files, results (oci-imports/oci-import-store.ts). */
  readonly ociImports: OciImportStore;

  /** The ledger's format: which one servers write, the conversion of older entries (ledger-format/). */
  readonly ledgerFormat: LedgerFormatStore;

  /** Webhook subscriptions and their deliveries (webhook-store.ts). */
  readonly webhooks: WebhookStore;

  /** Runs `fn` in one atomic, durable transaction holding the given lock keys (see the contract above). */
  transaction<T>(
    lockKeys: readonly string[],
    fn: (tx: StoreTx) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T>;

  // Environments (a small reference table).
  getEnvironment(environmentId: string): Promise<EnvironmentRecord | undefined>;
  listEnvironments(): Promise<EnvironmentRecord[]>;
  /**
   * Creates an environment when `expectedVersion` is undefined (false when it already exists), or
   * replaces its configuration when the stored version equals `expectedVersion` (false otherwise).
   */
  saveEnvironment(record: EnvironmentRecord, expectedVersion?: number): Promise<boolean>;

  // Committed reads of stock.
  /** Stock rows of one environment matching the selector (see StockSelector for the semantics). */
  readStock(environmentId: string, selector: StockSelector): Promise<StockRow[]>;
  /** True when the environment holds any stock row or scheduled change. */
  hasStock(environmentId: string): Promise<boolean>;
  /**
   * True when a stock row of `dataSource.measure` with a non-zero quantity has `dimension` among its
   * dimensions (e.g. an allocation group path that holds allocated quantity at level `@g2`).
   */
  hasStockWithDimension(
    environmentId: string,
    dataSource: string,
    measure: string,
    dimension: string,
  ): Promise<boolean>;
  /** Distinct partition ids that hold stock or scheduled changes, sorted. */
  listPartitionIds(environmentId: string): Promise<string[]>;

  // Committed reads of on-hand change schedules.
  /**
   * Scheduled changes of one environment matching the selector (as readStock), dated `fromDate` or
   * later (null: every date), in the order (organizationId, productId, dimensionsKey, dataSource,
   * measure, date).
   */
  readSchedule(
    environmentId: string,
    selector: StockSelector,
    fromDate: string | null,
  ): Promise<ScheduleRow[]>;
  /**
   * The distinct (organization, product, partition) scopes of one environment that hold a scheduled
   * change dated before `beforeDate`, in (organizationId, productId, partitionId) order, at most `limit`.
   */
  listScheduleScopes(environmentId: string, beforeDate: string, limit: number): Promise<ScheduleScope[]>;
  /**
   * A page of the scheduled changes of one environment for a full export, keyset-paginated like
   * exportStock: key order (partitionId, organizationId, productId, the dimensionsKey text, dataSource,
   * measure, date; byte order), rows after `after` (null: from the start), at most `limit`.
   */
  exportSchedule(environmentId: string, after: ScheduleCursor | null, limit: number): Promise<ScheduleRow[]>;

  /**
   * A page of the stock rows of one environment for a full export: the rows whose key comes after
   * `after` (null: from the start), at most `limit`, in key order (partitionId, organizationId,
   * productId, the dimensionsKey text, dataSource, measure; byte order). Keyset pagination: pass the
   * last row of a page to read the next, so an environment of any size is read page by page.
   */
  exportStock(environmentId: string, after: StockCursor | null, limit: number): Promise<StockRow[]>;

  // The ledger.
  /** Ledger entries of an environment with seq > afterSeq, in seq order, at most `limit`. */
  readLedger(environmentId: string, afterSeq: number, limit: number): Promise<LedgerRecord[]>;
  /**
   * Ledger entries of an environment whose `reference` equals the given one, in seq order, at most
   * `limit`. With `partitionId`, entries of other partitions may be left out: where data is placed by
   * partition, only that partition's one shard is read.
   */
  readLedgerByReference(
    environmentId: string,
    reference: string,
    limit: number,
    partitionId?: string,
  ): Promise<LedgerRecord[]>;

  // Reservations (committed reads).
  /**
   * One reservation by id, or undefined. Where data is placed by partition, an id that carries its
   * partition (domain/reservation/reservation-id-hint.ts) is looked up there first.
   */
  getReservation(environmentId: string, reservationId: string): Promise<ReservationRecord | undefined>;
  /**
   * Open reservations (remaining > 0) of every environment whose expiresAt ≤ `now` (ISO-8601),
   * earliest expiry first, at most `limit`; each carries the id of its environment.
   */
  listDueReservations(now: string, limit: number): Promise<(ReservationRecord & { environmentId: string })[]>;
  /** The earliest expiresAt of an open reservation in any environment, or null when none expires. */
  nextExpiry(): Promise<string | null>;
  /**
   * Open reservations (remaining > 0) of one product in every partition, oldest first (createdAt, then
   * reservationId), at most `limit`: what the dashboard's product page lists.
   */
  listProductReservations(
    environmentId: string,
    organizationId: string,
    productId: string,
    limit: number,
  ): Promise<ReservationRecord[]>;
  /** True when the environment has an open reservation (remaining > 0) on `dataSource.measure`. */
  hasOpenReservations(environmentId: string, dataSource: string, measure: string): Promise<boolean>;
  /**
   * A page of every reservation of one environment (open or not) for a full export: ids greater than
   * `afterId` (null: from the start), at most `limit`, in reservation id order (byte order).
   */
  exportReservations(
    environmentId: string,
    afterId: string | null,
    limit: number,
  ): Promise<ReservationRecord[]>;
  /**
   * Deletes everything stored under an environment id that has no environment record (what an
   * interrupted import leaves behind, and whatever else is keyed by the id: orphaned-data-tables.ts),
   * atomically. Returns false and deletes nothing when the environment exists. On PostgreSQL it never
   * deadlocks with the feed sequencer (postgres/orphaned-data.ts).
   */
  deleteOrphanedData(environmentId: string): Promise<boolean>;

  // OAuth clients.
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;
  /** Inserts a client; false when the id exists. */
  createClient(client: ClientRecord): Promise<boolean>;
  /** Replaces a client's mutable fields (secret hash, roles, revokedAt); false when absent. */
  updateClient(client: ClientRecord): Promise<boolean>;
}
