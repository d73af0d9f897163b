import type { Dimensions } from '../domain/dimensions.js';
import type { Qty } from '../domain/quantity.js';

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
export interface Store {
  /** Short name of the backend, e.g. "sqlite". */
  readonly kind: string;
  /** Creates or upgrades the schema. Idempotent. */
  migrate(): Promise<void>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  /** Releases connections; further calls fail. */
  close(): Promise<void>;

  /** Runs `fn` in one atomic, durable transaction holding the given lock keys (see the contract above). */
  transaction<T>(lockKeys: readonly string[], fn: (tx: StoreTx) => Promise<T>): Promise<T>;

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
  /** True when the environment holds any stock row. */
  hasStock(environmentId: string): Promise<boolean>;
  /** Distinct partition ids that hold stock, sorted. */
  listPartitionIds(environmentId: string): Promise<string[]>;

  // The ledger.
  /** Ledger entries of an environment with seq > afterSeq, in seq order, at most `limit`. */
  readLedger(environmentId: string, afterSeq: number, limit: number): Promise<LedgerRecord[]>;

  // OAuth clients.
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;
  /** Inserts a client; false when the id exists. */
  createClient(client: ClientRecord): Promise<boolean>;
  /** Replaces a client's mutable fields (secret hash, environments, admin, revokedAt); false when absent. */
  updateClient(client: ClientRecord): Promise<boolean>;
}

/** Writes and locked reads inside a transaction. */
export interface StoreTx {
  /** Current rows for exact keys; keys without a row are absent from the result. */
  readRows(environmentId: string, keys: readonly StockKey[]): Promise<StockRow[]>;
  /** Inserts or replaces rows with their final values (not deltas). */
  writeRows(environmentId: string, rows: readonly StockRow[]): Promise<void>;
  /** Deletes every stock row of the given partitions; returns the rows deleted. */
  deletePartitions(environmentId: string, partitionIds: readonly string[]): Promise<StockRow[]>;
  /** Ledger entries previously recorded for these event ids in this family. */
  findEvents(
    environmentId: string,
    family: string,
    eventIds: readonly string[],
  ): Promise<Map<string, RecordedEvent>>;
  /** Appends entries; returns their sequence numbers in order. */
  appendLedger(entries: readonly LedgerEntry[]): Promise<number[]>;
}

export interface EnvironmentRecord {
  readonly environmentId: string;
  /** Runtime configuration JSON (normalised). */
  readonly configuration: unknown;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Identifies one stored measure value. */
export interface StockKey {
  readonly organizationId: string;
  readonly productId: string;
  /** Canonical tuple of base dimensions (siteid and locationid included when set). */
  readonly dimensions: Dimensions;
  readonly dataSource: string;
  readonly measure: string;
}

/** One stored measure value. */
export interface StockRow extends StockKey {
  /** Partition id derived from the environment's partition rule (domain/partition.ts). */
  readonly partitionId: string;
  readonly quantity: Qty;
  /** modifiedDateTimeUTC of the last count (set on-hand) applied to this row, ISO-8601, or null. */
  readonly countedAt: string | null;
}

/**
 * Which rows a query reads. `organizationIds` is required; an empty or absent list for products,
 * sites or locations means "any". Filters on other dimensions are applied by the engine.
 */
export interface StockSelector {
  readonly organizationIds: readonly string[];
  readonly productIds?: readonly string[];
  readonly siteIds?: readonly string[];
  readonly locationIds?: readonly string[];
}

/** A change a ledger entry made to one stored value. `delta` is exact (millionths). */
export interface LedgerChange extends StockKey {
  readonly delta: Qty;
}

/** What the engine appends for every accepted write. */
export interface LedgerEntry {
  readonly environmentId: string;
  /** Partition the write belongs to (or "" for environment-wide entries). */
  readonly partitionId: string;
  /** Idempotency family: event ids are unique per (environment, family). */
  readonly family: string;
  /** The client's event id (null for entries without one, such as cleanups). */
  readonly eventId: string | null;
  /** SHA-256 of the normalised request, to tell a retry from a conflicting reuse of an id. */
  readonly bodyHash: string;
  readonly kind: string;
  readonly recordedAt: string;
  /** The normalised request, as JSON-compatible data. */
  readonly request: unknown;
  /** The outcome returned to the client, replayed for a retry. */
  readonly outcome: unknown;
  readonly changes: readonly LedgerChange[];
}

export interface LedgerRecord extends LedgerEntry {
  readonly seq: number;
}

export interface RecordedEvent {
  readonly seq: number;
  readonly bodyHash: string;
  readonly outcome: unknown;
}

export interface ClientRecord {
  readonly clientId: string;
  /** scrypt hash, see auth/secrets.ts. Never the secret itself. */
  readonly secretHash: string;
  /** Environment ids this client may use; ["*"] means all. */
  readonly environments: readonly string[];
  readonly admin: boolean;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}
