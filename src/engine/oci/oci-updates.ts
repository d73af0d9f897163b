import { createHash } from 'node:crypto';
import { type ErrorCode, OnhandError } from '../../domain/codes.js';
import {
  type AvailabilityRecordInput,
  type AvailabilityUpdate,
  parseAvailabilityRecord,
} from '../../domain/oci/availability-record.js';
import { ociMeasures } from '../../domain/oci/oci-measures.js';
import type { OnHandInput } from '../../domain/onhand-command.js';
import { formatQty } from '../../domain/quantity.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { ItemOutcome } from '../outcome.js';
import type { WriteItem } from '../write-item.js';
import { writeSafetyStockEntry } from './oci-entries.js';
import { type PostSchedules, replaceFutures } from './oci-futures.js';
import type { OciGraphs } from './oci-graphs.js';
import { placeOf } from './oci-stock.js';

/** Counts for one data source (Engine.setOnHand). */
export type SetOnHand = (
  environmentId: string,
  inventorySystem: string,
  items: readonly WriteItem<OnHandInput>[],
) => Promise<ItemOutcome[]>;

/** Why one record was not applied. */
export interface RecordFailure {
  readonly code: ErrorCode;
  readonly message: string;
}

/** A record's outcome, with what the error details of spec §2.3 echo. */
export interface RecordResult {
  readonly id: string;
  readonly sku: string;
  readonly location: string;
  readonly externalRefId?: string;
  readonly failure: RecordFailure | null;
}

/**
 * OCI availability writes (spec §2.3, §2.4) through the IV write paths: onHand as a count of the
 * onHand measure (Engine.setOnHand), futures as change schedules, safety stock in the OCI table with a
 * ledger entry of its own (oci-entries.ts, carried by the change feed). Each
 * record id with its SKU is answered once: a repeat gets the first outcome and changes nothing.
 */
export class OciUpdates {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly clock: () => Date,
    private readonly setOnHand: SetOnHand,
    private readonly postSchedules: PostSchedules,
  ) {}

  /**
   * batch-update: every record on its own (records of one SKU and location in the order given, the
   * others concurrently); one result per record, in order.
   */
  async batch(
    environmentId: string,
    records: readonly AvailabilityRecordInput[],
    clientId: string | null = null,
  ): Promise<RecordResult[]> {
    await this.environments.get(environmentId);
    const chains = new Map<string, Promise<unknown>>();
    return Promise.all(
      records.map((record, i) => {
        const key = `${record.location}\u0000${record.sku}`;
        const run = (chains.get(key) ?? Promise.resolve()).then(() =>
          this.apply(environmentId, record, `/records/${i}`, (u) => u, clientId),
        );
        chains.set(
          key,
          run.catch(() => {}),
        );
        return run;
      }),
    );
  }

  /**
   * Applies one record: validated (nothing applied when a field is bad), answered from its first
   * outcome when its id and SKU were seen before, else applied and its outcome recorded. `shape` turns
   * the parsed record into the update to apply (PUT resets what it leaves out).
   */
  async apply(
    environmentId: string,
    record: AvailabilityRecordInput,
    path: string,
    shape: (update: AvailabilityUpdate) => AvailabilityUpdate,
    clientId: string | null = null,
  ): Promise<RecordResult> {
    const echo = {
      id: String(record.id),
      sku: String(record.sku),
      location: String(record.location),
      ...(record.externalRefId === undefined ? {} : { externalRefId: record.externalRefId }),
    };
    let update: AvailabilityUpdate;
    try {
      update = shape(parseAvailabilityRecord(record, path));
    } catch (error) {
      return { ...echo, failure: failureOf(error) };
    }
    const first = await this.store.oci.getRecordOutcome(environmentId, update.id, update.sku);
    if (first) return { ...echo, failure: null };
    const hash = hashOf(record);
    const failure = await this.write(environmentId, update, hash, path, clientId).catch(failureOf);
    // Only an applied record is answered from memory: a failed one may be sent again once fixed.
    if (failure === null)
      await this.store.oci.saveRecordOutcome(environmentId, {
        recordId: update.id,
        sku: update.sku,
        locationId: update.location,
        hash,
        outcome: 'null',
        createdAt: this.clock().toISOString(),
      });
    return { ...echo, failure };
  }

  private async write(
    environmentId: string,
    update: AvailabilityUpdate,
    hash: string,
    path: string,
    clientId: string | null,
  ): Promise<RecordFailure | null> {
    const config = await this.environments.get(environmentId);
    const measures = ociMeasures(config);
    const { graph } = await this.graphs.get(environmentId);
    const location = graph.locations.find((l) => l.id === update.location);
    if (!location)
      return { code: 'oci_unknown_location', message: `Location "${update.location}" does not exist.` };
    const place = placeOf(graph, location);
    // Derived from the record as sent: a retry of a record that failed half-way replays what it applied.
    const eventId = (kind: string) => `oci-${kind}-${hashOf([update.id, update.sku, hash])}`;
    if (update.onHand !== undefined) {
      const [outcome] = await this.setOnHand(environmentId, measures.onHand.dataSource, [
        {
          input: {
            id: eventId('onhand'),
            organizationId: place.iv.organizationId,
            productId: update.sku,
            dimensions: { siteId: place.iv.siteId, locationId: place.iv.locationId },
            quantities: {
              [measures.onHand.dataSource]: { [measures.onHand.measure]: formatQty(update.onHand) },
            },
            ...(update.effectiveDate === undefined ? {} : { modifiedDateTimeUTC: update.effectiveDate }),
          },
          path,
          clientId,
        },
      ]);
      if (outcome && outcome.status !== 'success') return outcomeFailure(outcome);
    }
    if (update.futures !== undefined) {
      const failed = await replaceFutures(
        this.store,
        this.postSchedules,
        environmentId,
        measures,
        place,
        update.sku,
        update.futures,
        eventId('futures'),
        this.clock(),
        path,
      );
      if (failed) return outcomeFailure(failed);
    }
    if (update.safetyStockCount !== undefined) {
      await writeSafetyStockEntry(
        this.store,
        config,
        environmentId,
        place,
        { locationId: update.location, sku: update.sku, quantity: update.safetyStockCount },
        eventId('safety'),
        this.clock().toISOString(),
        clientId,
      );
    }
    return null;
  }
}

function outcomeFailure(outcome: ItemOutcome): RecordFailure {
  return { code: outcome.code ?? 'invalid_request', message: outcome.message };
}

function failureOf(error: unknown): RecordFailure {
  if (error instanceof OnhandError) return { code: error.code, message: error.message };
  throw error;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 40);
}
