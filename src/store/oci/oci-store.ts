import type { LocationGraph } from '../../domain/oci/location-graph.js';
import type { Qty } from '../../domain/quantity.js';

/** An environment's location graph and its version (1 for the first upload, +1 per replacement). */
export interface OciGraphRecord {
  readonly graph: LocationGraph;
  readonly version: number;
  readonly updatedAt: string;
}

/** The safety stock of one SKU at one OCI location. */
export interface SafetyStockRow {
  readonly locationId: string;
  readonly sku: string;
  readonly quantity: Qty;
}

/** What an OCI record id (with its SKU, spec §1.2) was first answered with. */
export interface RecordOutcome {
  readonly recordId: string;
  readonly sku: string;
  readonly locationId: string;
  /** Hash of the record as first sent. */
  readonly hash: string;
  /** The first answer, as JSON: null for success, else `{ errorCode, message }`. */
  readonly outcome: string;
  readonly createdAt: string;
}

/**
 * The Omnichannel Inventory side of the Store port (docs/oci.md): the location graph of each
 * environment, safety stock per (environment, location, SKU), and what each record id was answered.
 * Distribution-ready: the graph tables are keyed by environment; safety stock and record outcomes carry
 * the environment and the OCI location (the OCI face's partition) in every row.
 */
export interface OciStore {
  /** The graph of an environment, or undefined before its first upload. */
  getGraph(environmentId: string): Promise<OciGraphRecord | undefined>;
  /**
   * Replaces the whole graph atomically when the stored version is `expectedVersion` (0: none stored
   * yet); returns false and changes nothing otherwise (someone else replaced it first). With
   * `removedGroups`, changes nothing and answers `{ inUse }` when one of them holds an OCI group lock
   * (a non-zero `@oci.@grouplock` stock row), checked under the graph row's lock, which every OCI
   * operation holds shared (StoreTx.ociGraphVersion): the check and the replacement are atomic.
   */
  replaceGraph(
    environmentId: string,
    graph: LocationGraph,
    expectedVersion: number,
    updatedAt: string,
    removedGroups?: readonly string[],
  ): Promise<boolean | { inUse: string[] }>;
  /** Safety stock rows of the given SKUs at the given locations (absent rows: 0). */
  readSafetyStock(
    environmentId: string,
    skus: readonly string[],
    locationIds: readonly string[],
  ): Promise<SafetyStockRow[]>;
  /** Sets safety stock values, atomically; a quantity of 0 deletes the row. */
  setSafetyStock(environmentId: string, rows: readonly SafetyStockRow[], updatedAt: string): Promise<void>;
  /** The first outcome of a record id with its SKU, or undefined. */
  getRecordOutcome(environmentId: string, recordId: string, sku: string): Promise<RecordOutcome | undefined>;
  /**
   * Records the first outcome of a record id with its SKU; returns false (and keeps the first) when one
   * is recorded already.
   */
  saveRecordOutcome(environmentId: string, outcome: RecordOutcome): Promise<boolean>;
  /** The (group, SKU) exclusions of product segmentation among the given groups and SKUs. */
  readExclusions(
    environmentId: string,
    groupIds: readonly string[],
    skus: readonly string[],
  ): Promise<{ groupId: string; sku: string }[]>;
  /** Adds (`excluded`) or removes exclusions, atomically. */
  changeExclusions(environmentId: string, changes: readonly ExclusionChange[]): Promise<void>;
  /** Every safety stock row of the environment (exports), in (location, SKU) order. */
  listSafetyStock(environmentId: string): Promise<SafetyStockRow[]>;
  /** Every product segmentation exclusion of the environment (full export), in (group, SKU) order. */
  listExclusions(environmentId: string): Promise<{ groupId: string; sku: string }[]>;
  /** Record outcomes after `(recordId, sku)` (null: from the first) in that order, at most `limit`. */
  listRecordOutcomes(
    environmentId: string,
    after: { recordId: string; sku: string } | null,
    limit: number,
  ): Promise<RecordOutcome[]>;
}

/** One change of product segmentation: a (group, SKU) exclusion added (`excluded`) or removed. */
export interface ExclusionChange {
  readonly groupId: string;
  readonly sku: string;
  readonly excluded: boolean;
}

/**
 * The OCI writes a StoreTx makes inside its transaction, so that they commit with the ledger entry that
 * records them (the change feed carries them; docs/oci.md "Export and deltas").
 */
export interface OciTxWrites {
  setSafetyStock(environmentId: string, rows: readonly SafetyStockRow[], updatedAt: string): Promise<void>;
  changeExclusions(environmentId: string, changes: readonly ExclusionChange[]): Promise<void>;
  /**
   * Safety stock rows of the given SKUs at the given locations, read inside the transaction: under the
   * lock keys it holds, no write of those keys can change them before it commits (the reservation guard).
   */
  readSafetyStock(
    environmentId: string,
    skus: readonly string[],
    locationIds: readonly string[],
  ): Promise<SafetyStockRow[]>;
  /**
   * The graph, read inside the transaction and held until it ends, as ociGraphVersion holds it: a graph
   * replacement waits for the transaction, so what it planned from this graph stays true until it commits.
   */
  getGraph(environmentId: string): Promise<OciGraphRecord | undefined>;
  /**
   * Every safety stock row of the environment, read inside the transaction (a partition clean-up reads
   * what it deletes here, under its lock keys, on its own connection).
   */
  listSafetyStock(environmentId: string): Promise<SafetyStockRow[]>;
  /**
   * OciStore.replaceGraph inside the transaction, so that the ledger entry recording it commits with
   * it. On anything but true the caller must roll the transaction back (throw): PostgreSQL may have
   * inserted the graph's head row.
   */
  replaceGraph(
    environmentId: string,
    graph: LocationGraph,
    expectedVersion: number,
    updatedAt: string,
    removedGroups: readonly string[],
  ): Promise<boolean | { inUse: string[] }>;
  /** Writes a graph as it was exported (full import into an environment that has none yet). */
  restoreGraph(environmentId: string, record: OciGraphRecord): Promise<void>;
  /** Writes record outcomes as they were exported (an outcome already stored is kept). */
  restoreRecordOutcomes(environmentId: string, outcomes: readonly RecordOutcome[]): Promise<void>;
}

/** The OCI tables of an environment, which a failed full import deletes with its other data. */
export const OCI_ENVIRONMENT_TABLES = [
  'oci_graphs',
  'oci_locations',
  'oci_groups',
  'oci_group_members',
  'oci_safety_stock',
  'oci_record_outcomes',
  'oci_segment_exclusions',
  'oci_imports',
  'oci_import_chunks',
  'oci_import_errors',
] as const;
