import { createHash } from 'node:crypto';
import { type ErrorCode, OnhandError } from '../../domain/codes.js';
import {
  type AvailabilityRecordInput,
  type AvailabilityUpdate,
  parseAvailabilityRecord,
} from '../../domain/oci/availability-record.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { ItemOutcome } from '../outcome.js';
import type { OciGraphs } from './oci-graphs.js';
import { writeRecord } from './oci-record-write.js';
import { placeOf } from './oci-stock.js';

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
 * OCI availability writes (spec §2.3, §2.4) by the IV write rules, each record in one transaction
 * (oci-record-write.ts): onHand as a count of the onHand measure, futures as a change schedule, safety
 * stock in the OCI table with a ledger entry of its own (carried by the change feed). Each
 * record id with its SKU is answered once: a repeat gets the first outcome and changes nothing.
 */
export class OciUpdates {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly clock: () => Date,
    private readonly report: (error: unknown) => void,
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
    const { graph } = await this.graphs.get(environmentId);
    const location = graph.locations.find((l) => l.id === update.location);
    if (!location)
      return { code: 'oci_unknown_location', message: `Location "${update.location}" does not exist.` };
    // Derived from the record as sent: a retry of a record replays what it applied.
    const eventId = (kind: string) => `oci-${kind}-${hashOf([update.id, update.sku, hash])}`;
    const failed = await writeRecord(
      { store: this.store, environments: this.environments, clock: this.clock, report: this.report },
      { environmentId, update, place: placeOf(graph, location), eventId, clientId, path },
    );
    return failed ? outcomeFailure(failed) : null;
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
