import type {
  OciAvailabilityRecord,
  OciRecordApplier,
  OciRecordRefusal,
} from '../../../domain/oci/imports/record-applier.js';
import type { OnHandInput } from '../../../domain/onhand-command.js';
import type { ItemOutcome } from '../../outcome.js';
import type { WriteItem } from '../../write-item.js';

/** Where an OCI location's stock lives in the IV model. */
export interface IvPlace {
  readonly organizationId: string;
  readonly siteId: string;
  readonly locationId: string;
}

/**
 * The interim rule from an OCI location to an IV place: organization "usmf", siteId = locationId =
 * the OCI location id. The one place to change when the OCI model's per-location mapping lands.
 */
export function ivPlaceOfOciLocation(locationId: string): IvPlace {
  return { organizationId: 'usmf', siteId: locationId, locationId };
}

/**
 * The data source and measure an imported onHand sets: `iom.onhand`, a count measure of the default
 * configuration that clients may write (`fno` belongs to the ERP integration).
 */
const ONHAND_SOURCE = 'iom';
const ONHAND_MEASURES = ['onhand'] as const;

/**
 * An OciRecordApplier on the existing IV write path, until the OCI model's batch-update implements
 * the interface: a record's onHand is a count (setonhand) of iom.onhand at its location's IV place, under the event id `oci~{scope}~{recordId}~{sku}`, so applying it again
 * changes nothing. safetyStockCount, effectiveDate and futures are accepted but not stored (the IV
 * model has no place for them yet). A record without onHand changes nothing; onHand null sets 0.
 */
export class IvRecordApplier implements OciRecordApplier {
  constructor(
    private readonly setOnHand: (
      environmentId: string,
      inventorySystem: string,
      items: readonly WriteItem<OnHandInput>[],
    ) => Promise<ItemOutcome[]>,
  ) {}

  async apply(
    environmentId: string,
    scope: string,
    records: readonly OciAvailabilityRecord[],
  ): Promise<(OciRecordRefusal | null)[]> {
    const results: (OciRecordRefusal | null)[] = records.map(() => null);
    const items: WriteItem<OnHandInput>[] = [];
    const positions: number[] = [];
    for (const [i, record] of records.entries()) {
      if (record.onHand === undefined) continue;
      const place = ivPlaceOfOciLocation(record.locationId);
      const quantity = record.onHand ?? 0;
      items.push({
        input: {
          id: `oci~${scope}~${record.id}~${record.sku}`,
          organizationId: place.organizationId,
          productId: record.sku,
          dimensions: { siteId: place.siteId, locationId: place.locationId },
          quantities: {
            [ONHAND_SOURCE]: Object.fromEntries(ONHAND_MEASURES.map((m) => [m, quantity])),
          },
        },
        path: `/${i}`,
      });
      positions.push(i);
    }
    if (items.length === 0) return results;
    const outcomes = await this.setOnHand(environmentId, ONHAND_SOURCE, items);
    for (const [k, outcome] of outcomes.entries()) {
      const position = positions[k];
      if (position === undefined || outcome.status === 'success') continue;
      results[position] = { errorCode: 'InvalidRequestParameter', message: outcome.message };
    }
    return results;
  }
}
