/**
 * One availability record of the OCI API, as batch-update (spec §2.3) and the availability import
 * (spec §4.2) carry it: per SKU at one location, on hand and safety stock set to absolute values, future
 * quantities replaced. A field left out (undefined) is untouched; a field given as null is deleted.
 */
export interface OciAvailabilityRecord {
  /** The record's idempotence id (`id` of batch-update, `recordId` of an import line). */
  readonly id: string;
  readonly sku: string;
  readonly locationId: string;
  readonly onHand?: number | null;
  readonly safetyStockCount?: number | null;
  readonly effectiveDate?: string | null;
  readonly futures?: readonly OciFuture[] | null;
}

/** A dated future quantity (`futures` of a file, `futureStock` of batch-update). */
export interface OciFuture {
  readonly quantity: number;
  readonly expectedDate: string;
}

/** Why a record was not applied, in the OCI API's terms. */
export interface OciRecordRefusal {
  /** An OCI errorCode (e.g. LocationDoesNotExist, InvalidRequestParameter). */
  readonly errorCode: string;
  readonly message: string;
}

/**
 * Applies availability records to the stock of an environment: the seam between the import machinery
 * (engine/oci/imports/) and the OCI model's batch-update, which implements it. `scope` names the
 * request the records come from (an import id): together with each record's id and SKU it makes
 * applying the same record again (an import resumed after a crash) change nothing more.
 * Resolves with one entry per record, in order: null when applied, or why it was refused.
 */
export interface OciRecordApplier {
  apply(
    environmentId: string,
    scope: string,
    records: readonly OciAvailabilityRecord[],
  ): Promise<(OciRecordRefusal | null)[]>;
}
