import type { AvailabilityRecordInput } from '../../../domain/oci/availability-record.js';
import type {
  OciAvailabilityRecord,
  OciRecordApplier,
  OciRecordRefusal,
} from '../../../domain/oci/imports/record-applier.js';
import type { OciUpdates, RecordFailure } from '../oci-updates.js';

/**
 * Imported records applied as batch-update applies them (OciUpdates, docs/oci.md): the location's IV
 * place from the graph, onHand as a count, safety stock, futures as change schedules; a record id with
 * its SKU answered once, so an import resumed after a crash changes nothing twice. A field given as
 * null in the file clears it (onHand and safety stock 0, no futures); effectiveDate null is left out.
 */
export class ModelRecordApplier implements OciRecordApplier {
  constructor(private readonly updates: OciUpdates) {}

  async apply(
    environmentId: string,
    _scope: string,
    records: readonly OciAvailabilityRecord[],
  ): Promise<(OciRecordRefusal | null)[]> {
    const results = await Promise.all(
      records.map((record, i) =>
        this.updates.apply(environmentId, inputOf(record), `/${i}`, (update) => update),
      ),
    );
    return results.map(({ failure }) => failure && refusalOf(failure));
  }
}

function inputOf(record: OciAvailabilityRecord): AvailabilityRecordInput {
  return {
    id: record.id,
    sku: record.sku,
    location: record.locationId,
    ...(record.onHand === undefined ? {} : { onHand: record.onHand ?? 0 }),
    ...(record.safetyStockCount === undefined ? {} : { safetyStockCount: record.safetyStockCount ?? 0 }),
    ...(record.effectiveDate == null ? {} : { effectiveDate: record.effectiveDate }),
    ...(record.futures === undefined ? {} : { futureStock: record.futures ?? [] }),
  };
}

/** The OCI errorCode of a refused record: its location unknown, else a bad value. */
function refusalOf(failure: RecordFailure): OciRecordRefusal {
  return {
    errorCode: failure.code === 'oci_unknown_location' ? 'LocationDoesNotExist' : 'InvalidRequestParameter',
    message: failure.message,
  };
}
