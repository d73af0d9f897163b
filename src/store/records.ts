import type { Dimensions } from '../domain/dimensions.js';
import type { Qty } from '../domain/quantity.js';
import type { RoleGrants } from '../domain/roles.js';

/* The records the Store port reads and writes (store.ts). */

/** One product inside one partition: the unit the reservation writer loads and locks. */
export interface ProductScope {
  readonly organizationId: string;
  readonly productId: string;
  readonly partitionId: string;
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

/** Identifies one scheduled value: a stock key on a date (`yyyy-MM-dd`, UTC). */
export interface ScheduleKey extends StockKey {
  readonly date: string;
}

/** The net quantity scheduled to change one measure on one date (spec §3: uncommitted, signed). */
export interface ScheduleRow extends ScheduleKey {
  readonly partitionId: string;
  readonly quantity: Qty;
}

/** What a scheduled-change sweep works on: one product inside one partition. */
export interface ScheduleScope {
  readonly organizationId: string;
  readonly productId: string;
  readonly partitionId: string;
}

/** The key of a scheduled value, partition included: where a page of `exportSchedule` starts. */
export type ScheduleCursor = StockCursor & Pick<ScheduleRow, 'date'>;

/** The key of a stock row, partition included: where a page of `exportStock` starts (a StockRow will do). */
export type StockCursor = Pick<
  StockRow,
  'partitionId' | 'organizationId' | 'productId' | 'dimensions' | 'dataSource' | 'measure'
>;

/**
 * Which rows a query reads. `organizationIds` is required; an empty or absent list for products,
 * sites or locations means "any". Filters on other dimensions are applied by the engine.
 */
export interface StockSelector {
  readonly organizationIds: readonly string[];
  readonly productIds?: readonly string[];
  readonly siteIds?: readonly string[];
  readonly locationIds?: readonly string[];
  /**
   * The partitions that can hold the selected rows, when the query's filters pin them
   * (domain/partition.ts selectedPartitions): a backend that places data by partition (PostgreSQL on
   * Citus) reads only those. Redundant with the other filters, so a backend may ignore it.
   */
  readonly partitionIds?: readonly string[];
}

/**
 * A change a ledger entry made to one stored value. `delta` is exact (millionths). With `date`, the
 * change is to the quantity scheduled for that date (on-hand change schedules), not to actual stock.
 */
export interface LedgerChange extends StockKey {
  readonly delta: Qty;
  readonly date?: string;
  /**
   * Set when the change brought a stored stock value into being (there was no row before), so a
   * reader of the ledger can tell a stored zero from a value that did not exist yet (as-of queries).
   */
  readonly created?: true;
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
  /** What the entry is about besides its event id, e.g. the reservation it changed; null when nothing. */
  readonly reference: string | null;
  /** The client whose request made the entry; null (or absent) for the service's own work, such as expiry. */
  readonly clientId?: string | null;
}

export interface LedgerRecord extends LedgerEntry {
  readonly seq: number;
  readonly clientId: string | null;
}

export interface RecordedEvent {
  readonly seq: number;
  /** The commit mark of the transaction that recorded it (StoreTx.commitMark). */
  readonly commit: number;
  readonly bodyHash: string;
  readonly outcome: unknown;
}

/**
 * A soft reservation: `quantity` was added to the reserved physical measure (dataSource.measure) at
 * exactly `dimensions`; `remaining` is what is still reserved after unreserves, offsets and expiry.
 */
export interface ReservationRecord {
  readonly reservationId: string;
  readonly partitionId: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Dimensions;
  readonly dataSource: string;
  readonly measure: string;
  /** Quantity reserved at creation (> 0), exact millionths. */
  readonly quantity: Qty;
  /** Quantity still reserved (0 … quantity), exact millionths. */
  readonly remaining: Qty;
  /** When the remaining quantity is released automatically (ISO-8601), or null for never. */
  readonly expiresAt: string | null;
  /** open: remaining > 0; released: brought to 0 by unreserve or offset; expired: released by expiry. */
  readonly status: 'open' | 'released' | 'expired';
  /** The reserve request's event id. */
  readonly eventId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ClientRecord {
  readonly clientId: string;
  /** scrypt hash, see auth/secrets.ts. Never the secret itself. */
  readonly secretHash: string;
  /**
   * Role per environment id (lower-case) or "*" (every environment). Backends also keep the environment
   * list and an admin flag derived from it, so a process of an older release still reads the row.
   */
  readonly roles: RoleGrants;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}
