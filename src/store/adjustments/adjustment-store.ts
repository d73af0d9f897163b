import type { AdjustmentStatus, AdjustmentSyncStatus } from '../../domain/adjustments/adjustment-status.js';
import type { Dimensions } from '../../domain/dimensions.js';
import type { Qty } from '../../domain/quantity.js';

/**
 * Business-layer inventory adjustments' side of the Store port (spec §2.11): the detailed adjustment
 * lines, their status in Onhand (Created → IVPosted → Aggregated) and their status in the ERP sync
 * (Created, DoNotSync, FnOSyncEnqueued, …), which the ERP connector reads and sets through the API.
 */
export interface AdjustmentStore {
  /**
   * Inserts lines whose id is new in the environment; lines whose id exists are left unchanged.
   * Returns the existing lines of the ids that were already there (so the caller can tell a retry from
   * a conflicting reuse of an id).
   */
  insert(environmentId: string, lines: readonly AdjustmentLine[]): Promise<AdjustmentLine[]>;
  /** Lines by id; ids without a line are absent. */
  get(environmentId: string, lineIds: readonly string[]): Promise<AdjustmentLine[]>;
  /**
   * A page of the lines of an environment in id order (byte order), with the given status and sync
   * status (undefined: any), ids greater than `afterId` (null: from the start), at most `limit`.
   */
  list(
    environmentId: string,
    filter: AdjustmentFilter,
    afterId: string | null,
    limit: number,
  ): Promise<AdjustmentLine[]>;
  /**
   * Sets the status, sync status and message of existing lines (absent fields unchanged); returns the
   * ids that existed.
   */
  update(environmentId: string, updates: readonly AdjustmentUpdate[], now: string): Promise<string[]>;
}

export type { AdjustmentStatus, AdjustmentSyncStatus } from '../../domain/adjustments/adjustment-status.js';
export { SYNC_STATUSES } from '../../domain/adjustments/adjustment-status.js';

/** One adjustment line as stored. */
export interface AdjustmentLine {
  /** The request's id: unique per environment. */
  readonly lineId: string;
  readonly partitionId: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dataSource: string;
  readonly measure: string;
  /** Base dimensions, as the on-hand change it makes stores them. */
  readonly dimensions: Dimensions;
  readonly quantity: Qty;
  readonly externalReferenceCategory: string | null;
  readonly externalReferenceId: string | null;
  readonly fnoJournalNameId: string | null;
  /** The cost price as the exact decimal text it was sent with, or null. */
  readonly costPrice: string | null;
  readonly transDate: string | null;
  readonly status: AdjustmentStatus;
  readonly syncStatus: AdjustmentSyncStatus;
  readonly message: string;
  /** SHA-256 of the request, to tell a retry from a conflicting reuse of the id. */
  readonly bodyHash: string;
  /** The request as sent (what the on-hand change is made from). */
  readonly request: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AdjustmentFilter {
  readonly status?: AdjustmentStatus;
  readonly syncStatus?: AdjustmentSyncStatus;
}

export interface AdjustmentUpdate {
  readonly lineId: string;
  readonly status?: AdjustmentStatus;
  readonly syncStatus?: AdjustmentSyncStatus;
  readonly message?: string;
}
