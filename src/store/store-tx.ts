import type { OciTxWrites } from './oci/oci-store.js';
import type {
  EnvironmentRecord,
  LedgerEntry,
  ProductScope,
  RecordedEvent,
  ReservationRecord,
  ScheduleKey,
  ScheduleRow,
  StockKey,
  StockRow,
} from './records.js';

export type * from './records.js';

/** Writes and locked reads inside a transaction. */
export interface StoreTx {
  /** OCI safety stock and segmentation writes, committed with this transaction (oci/oci-store.ts). */
  readonly oci: OciTxWrites;
  /**
   * Current rows for exact keys; keys without a row are absent from the result. `partitionIds`, when
   * given, are the partitions the keys belong to (rows of other partitions may be left out): a backend that
   * places data by partition (PostgreSQL distributed with Citus) then reads only those.
   */
  readRows(
    environmentId: string,
    keys: readonly StockKey[],
    partitionIds?: readonly string[],
  ): Promise<StockRow[]>;
  /** Inserts or replaces rows with their final values (not deltas). */
  writeRows(environmentId: string, rows: readonly StockRow[]): Promise<void>;
  /** Every stock row of one product inside one partition (what an availability check aggregates). */
  readProductRows(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<StockRow[]>;
  /**
   * Every stock row of several products, each inside its partition: readProductRows for many scopes at
   * once (one statement on PostgreSQL), in no particular order.
   */
  readScopesRows(environmentId: string, scopes: readonly ProductScope[]): Promise<StockRow[]>;
  /** Deletes every stock row and every reservation of the given partitions; returns the stock rows deleted. */
  deletePartitions(environmentId: string, partitionIds: readonly string[]): Promise<StockRow[]>;
  /** Deletes every scheduled change of the given partitions; returns the rows deleted. */
  deletePartitionSchedules(environmentId: string, partitionIds: readonly string[]): Promise<ScheduleRow[]>;
  /** Current scheduled values for exact keys (date included); keys without a row are absent; see readRows. */
  readScheduleRows(
    environmentId: string,
    keys: readonly ScheduleKey[],
    partitionIds?: readonly string[],
  ): Promise<ScheduleRow[]>;
  /**
   * Inserts or replaces scheduled values with their final quantity (not deltas); a row whose quantity
   * is 0 is deleted instead (a schedule that nets to nothing no longer exists).
   */
  writeScheduleRows(environmentId: string, rows: readonly ScheduleRow[]): Promise<void>;
  /**
   * Every scheduled change of one product inside one partition, in the order (date, dimensionsKey,
   * dataSource, measure).
   */
  readProductSchedule(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<ScheduleRow[]>;
  /**
   * Reservations by id; ids without a reservation are absent from the result. `partitionIds`, when
   * given, reservations of other partitions may be left out (see readRows).
   */
  readReservations(
    environmentId: string,
    reservationIds: readonly string[],
    partitionIds?: readonly string[],
  ): Promise<ReservationRecord[]>;
  /**
   * Open reservations (remaining > 0) of one product inside one partition, oldest first
   * (createdAt, then reservationId).
   */
  readOpenReservations(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<ReservationRecord[]>;
  /**
   * Open reservations (remaining > 0) of several products, each inside its partition, whose expiresAt ≤
   * `now` (ISO-8601), oldest first (createdAt, then reservationId): what a batch must expire before it
   * checks availability, without reading every open reservation of a hot product. One statement on
   * PostgreSQL.
   */
  readScopesDueReservations(
    environmentId: string,
    scopes: readonly ProductScope[],
    now: string,
  ): Promise<ReservationRecord[]>;
  /** Inserts or replaces reservations (all fields). */
  writeReservations(environmentId: string, records: readonly ReservationRecord[]): Promise<void>;
  /**
   * Ledger entries previously recorded for these event ids in this family. `partitionIds`, when given,
   * are the partitions of the events looked up: where event ids are unique per partition (PostgreSQL
   * distributed with Citus: docs/operations.md) only those are searched; elsewhere ids are unique per
   * environment and family, and the hint is ignored.
   */
  findEvents(
    environmentId: string,
    family: string,
    eventIds: readonly string[],
    partitionIds?: readonly string[],
  ): Promise<Map<string, RecordedEvent>>;
  /** Appends entries; returns their sequence numbers in order. */
  appendLedger(entries: readonly LedgerEntry[]): Promise<number[]>;
  /**
   * Appends entries as appendLedger does, without their sequence numbers, possibly as late as the
   * commit (PostgreSQL sends them with COMMIT, in one round trip): a failure (a unique violation) then
   * fails the transaction, and commitMark() is known once the transaction has committed. Optional:
   * where a store lacks it, callers use appendLedger (engine/group-commit.ts appendAtCommit).
   */
  appendLedgerAtCommit?(entries: readonly LedgerEntry[]): Promise<void>;
  /**
   * The commit mark of this transaction once it has appended ledger entries (null before): once the
   * transaction committed, `feed.settle(mark)` tells when its entries have feed positions. Marks of
   * later transactions of one lock key are greater.
   */
  commitMark(): number | null;

  /**
   * The version of the environment's OCI location graph (0 before the first upload), held until the
   * transaction ends: a graph replacement waits for it (OciStore.replaceGraph), so an OCI operation
   * planned with this version commits before the graph changes, or sees the new version.
   */
  ociGraphVersion(environmentId: string): Promise<number>;

  /**
   * Holds the configurations of the environments until the transaction ends and returns their current
   * versions (an environment that does not exist is absent). `shared`: every write that applies a
   * configuration takes it, so it can check that the version it was prepared with is still current.
   * `exclusive`: a hard update takes it, and waits for (and excludes) every transaction holding one of
   * them shared, in this process or any other sharing the database, so its checks and its save see no
   * write prepared with the configuration it replaces.
   */
  lockConfigurations(
    environmentIds: readonly string[],
    mode: 'shared' | 'exclusive',
  ): Promise<ReadonlyMap<string, number>>;
  /** Store.saveEnvironment inside this transaction (same contract), e.g. while holding its configuration. */
  saveEnvironment(record: EnvironmentRecord, expectedVersion?: number): Promise<boolean>;
}
