import type { AvailabilityRecordInput } from '../../../domain/oci/availability-record.js';
import type {
  OciAvailabilityRecord,
  OciRecordApplier,
  OciRecordRefusal,
} from '../../../domain/oci/imports/record-applier.js';
import { ociMeasures } from '../../../domain/oci/oci-measures.js';
import type { OnHandInput } from '../../../domain/onhand-command.js';
import type { Environments } from '../../environments.js';
import type { ItemOutcome } from '../../outcome.js';
import type { WriteItem } from '../../write-item.js';
import type { OciGraphs } from '../oci-graphs.js';
import { fitOciId } from '../oci-internal-ids.js';
import { placeOf } from '../oci-stock.js';
import type { OciUpdates, RecordFailure } from '../oci-updates.js';

/** Counts of one data source through the IV write path (Engine.setOnHand). */
export type SetOnHand = (
  environmentId: string,
  inventorySystem: string,
  items: readonly WriteItem<OnHandInput>[],
) => Promise<ItemOutcome[]>;

/**
 * Imported records applied as batch-update applies them (docs/oci.md, "Availability imports"): the
 * location's IV place from the graph, onHand a count of the on-hand measure, safety stock and futures
 * as batch-update stores them. A record that sets only onHand (the bulk of a nightly file) is one count
 * among the batch's counts, committed together by the IV write path under the event id
 * `oci~{importId}~{recordId}~{sku}` (hashed when longer than an IV id: fitOciId); a record with safety stock or futures goes through batch-update's
 * own transaction per record. Either way applying the same record again (an import resumed after a
 * crash) changes nothing. A field given as null clears it (0, or no futures).
 */
export class ModelRecordApplier implements OciRecordApplier {
  constructor(
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly updates: OciUpdates,
    private readonly setOnHand: SetOnHand,
  ) {}

  async apply(
    environmentId: string,
    scope: string,
    records: readonly OciAvailabilityRecord[],
  ): Promise<(OciRecordRefusal | null)[]> {
    const results: (OciRecordRefusal | null)[] = records.map(() => null);
    const measures = ociMeasures(await this.environments.get(environmentId));
    const { graph } = await this.graphs.get(environmentId);
    const counts: WriteItem<OnHandInput>[] = [];
    const countOf: number[] = [];
    const whole: Promise<void>[] = [];
    for (const [i, record] of records.entries()) {
      if (record.safetyStockCount !== undefined || record.futures !== undefined) {
        whole.push(
          this.updates
            .apply(environmentId, inputOf(record), `/${i}`, (u) => u)
            .then(({ failure }) => {
              results[i] = failure && refusalOf(failure);
            }),
        );
        continue;
      }
      if (record.onHand === undefined) continue;
      const location = graph.locations.find((l) => l.id === record.locationId);
      if (!location) {
        results[i] = {
          errorCode: 'LocationDoesNotExist',
          message: `Location "${record.locationId}" does not exist.`,
        };
        continue;
      }
      const { iv } = placeOf(graph, location);
      counts.push({
        input: {
          id: fitOciId(`oci~${scope}~${record.id}~${record.sku}`),
          organizationId: iv.organizationId,
          productId: record.sku,
          dimensions: { siteId: iv.siteId, locationId: iv.locationId },
          quantities: { [measures.onHand.dataSource]: { [measures.onHand.measure]: record.onHand ?? 0 } },
          ...(record.effectiveDate == null ? {} : { modifiedDateTimeUTC: record.effectiveDate }),
        },
        path: `/${i}`,
      });
      countOf.push(i);
    }
    if (counts.length > 0) {
      const outcomes = await this.setOnHand(environmentId, measures.onHand.dataSource, counts);
      for (const [k, outcome] of outcomes.entries()) {
        const i = countOf[k];
        if (i !== undefined && outcome.status !== 'success')
          results[i] = { errorCode: 'InvalidRequestParameter', message: outcome.message };
      }
    }
    await Promise.all(whole);
    return results;
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
