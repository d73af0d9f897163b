import { fail } from '../codes.js';
import { checkId } from '../identifiers.js';
import type { Qty } from '../quantity.js';
import type { Future } from './availability.js';
import { checkLocationId, checkSku, parseOciDate, parseOciQty } from './oci-ids.js';

/** Most records one batch-update carries (spec §2.3). */
export const MAX_BATCH_RECORDS = 100;

/** A future as sent: `futureStock` items. */
export interface FutureInput {
  readonly quantity: unknown;
  readonly expectedDate: unknown;
}

/** A batch-update record (spec §2.3) as it arrives, after schema validation. */
export interface AvailabilityRecordInput {
  readonly id: string;
  readonly sku: string;
  readonly location: string;
  readonly onHand?: unknown;
  readonly safetyStockCount?: unknown;
  readonly effectiveDate?: unknown;
  readonly futureStock?: readonly FutureInput[];
  readonly externalRefId?: string;
}

/**
 * A validated record: the values it sets. An absent field leaves its value as it is (batch-update and
 * PATCH); PUT passes every field (toReplacement).
 */
export interface AvailabilityUpdate {
  readonly id: string;
  readonly sku: string;
  readonly location: string;
  readonly onHand?: Qty;
  readonly safetyStockCount?: Qty;
  /** ISO-8601 UTC. */
  readonly effectiveDate?: string;
  /** Replaces every future of the SKU at the location. */
  readonly futures?: readonly Future[];
  readonly externalRefId?: string;
}

/** Validates one record; throws OnhandError with the pointer (under `path`) of the first bad field. */
export function parseAvailabilityRecord(input: AvailabilityRecordInput, path = ''): AvailabilityUpdate {
  const id = checkId(input.id, `${path}/id`);
  const sku = checkSku(input.sku, `${path}/sku`);
  const location = checkLocationId(input.location, `${path}/location`);
  const update: {
    -readonly [K in keyof AvailabilityUpdate]: AvailabilityUpdate[K];
  } = { id, sku, location };
  if (input.onHand !== undefined) update.onHand = parseOciQty(input.onHand, `${path}/onHand`);
  if (input.safetyStockCount !== undefined)
    update.safetyStockCount = parseOciQty(input.safetyStockCount, `${path}/safetyStockCount`);
  if (input.effectiveDate !== undefined)
    update.effectiveDate = parseOciDate(input.effectiveDate, `${path}/effectiveDate`);
  if (input.futureStock !== undefined) {
    if (input.futureStock.length > MAX_BATCH_RECORDS)
      fail('too_many_items', `${path}/futureStock`, `At most ${MAX_BATCH_RECORDS} futures per record.`);
    update.futures = input.futureStock.map((f, i) => ({
      quantity: parseOciQty(f.quantity, `${path}/futureStock/${i}/quantity`, 1000n),
      expectedDate: parseOciDate(f.expectedDate, `${path}/futureStock/${i}/expectedDate`),
    }));
  }
  if (input.externalRefId !== undefined) update.externalRefId = input.externalRefId;
  return update;
}

/** PUT semantics (spec §2.4): a field left out is reset (onHand and safety stock 0, no futures). */
export function toReplacement(update: AvailabilityUpdate): AvailabilityUpdate {
  return {
    ...update,
    onHand: update.onHand ?? 0n,
    safetyStockCount: update.safetyStockCount ?? 0n,
    futures: update.futures ?? [],
  };
}
