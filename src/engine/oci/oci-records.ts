import { OnhandError } from '../../domain/codes.js';
import {
  type AvailabilityRecordInput,
  type FutureInput,
  parseAvailabilityRecord,
  toReplacement,
} from '../../domain/oci/availability-record.js';
import { ociMeasures } from '../../domain/oci/oci-measures.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { OciGraphs } from './oci-graphs.js';
import { placeOf, readLocationStock, stockKey } from './oci-stock.js';
import type { OciUpdates, RecordResult } from './oci-updates.js';

/** The body of a single location-SKU PUT or PATCH (spec §2.4). */
export interface SkuLocationBody {
  readonly externalRefId?: string;
  readonly onHand?: unknown;
  readonly safetyStockCount?: unknown;
  readonly effectiveDate?: unknown;
  readonly futureStock?: readonly FutureInput[];
}

/** The location and SKU a single-record request names, and its request id (its idempotency key). */
export interface SkuLocationKey {
  readonly locationId: string;
  readonly sku: string;
  readonly requestId: string;
}

/**
 * The single location-SKU record (spec §2.4): PUT replaces it (what it leaves out is reset), PATCH
 * changes the fields given, DELETE resets every value. PATCH and DELETE of a record that holds nothing
 * (no on hand, reserved, safety stock or futures) answer oci_record_not_found. The request id with the
 * SKU is the record id of batch-update: a repeat changes nothing.
 */
export class OciRecords {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly updates: OciUpdates,
    private readonly clock: () => Date,
  ) {}

  put(environmentId: string, key: SkuLocationKey, body: SkuLocationBody, clientId: string | null) {
    return this.run(environmentId, key, body, 'put', clientId);
  }

  patch(environmentId: string, key: SkuLocationKey, body: SkuLocationBody, clientId: string | null) {
    return this.run(environmentId, key, body, 'patch', clientId);
  }

  delete(environmentId: string, key: SkuLocationKey, clientId: string | null) {
    return this.run(environmentId, key, {}, 'delete', clientId);
  }

  /** True when the SKU has any value at the location (false for an unknown location). */
  async exists(environmentId: string, locationId: string, sku: string): Promise<boolean> {
    const config = await this.environments.get(environmentId);
    const { graph } = await this.graphs.get(environmentId);
    const location = graph.locations.find((l) => l.id === locationId);
    if (!location) return false;
    const stock = await readLocationStock(
      this.store,
      environmentId,
      ociMeasures(config),
      [sku],
      [placeOf(graph, location)],
      this.clock(),
    );
    const s = stock.get(stockKey(sku, locationId));
    return (
      s !== undefined &&
      (s.onHand !== 0n || s.reserved !== 0n || s.safetyStockCount !== 0n || s.futures.length > 0)
    );
  }

  private async run(
    environmentId: string,
    key: SkuLocationKey,
    body: SkuLocationBody,
    mode: 'put' | 'patch' | 'delete',
    clientId: string | null,
  ): Promise<RecordResult> {
    const record: AvailabilityRecordInput = {
      ...body,
      id: key.requestId,
      sku: key.sku,
      location: key.locationId,
    };
    // Bad input is refused before anything is looked up.
    parseAvailabilityRecord(record);
    if (mode !== 'put') {
      const seen = await this.store.oci.getRecordOutcome(environmentId, key.requestId, key.sku);
      if (!seen && !(await this.exists(environmentId, key.locationId, key.sku)))
        throw new OnhandError(
          'oci_record_not_found',
          `SKU "${key.sku}" has no availability record at location "${key.locationId}".`,
        );
    }
    return this.updates.apply(
      environmentId,
      record,
      '',
      mode === 'patch' ? (u) => u : toReplacement,
      clientId,
    );
  }
}
