import { OnhandError } from '../../../domain/codes.js';
import type { GroupRecord, LocationRecord } from '../../../domain/oci/availability.js';
import type { AvailabilityRecordInput } from '../../../domain/oci/availability-record.js';
import type { AvailabilityInput } from '../../../domain/oci/availability-request.js';
import type { AvailabilityAnswer } from '../../../engine/oci/oci-availability.js';
import type { RecordResult } from '../../../engine/oci/oci-updates.js';
import { ociCodeOf } from '../oci-errors.js';
import { ConnectError } from './connect-errors.js';

/**
 * The Connect REST flavour as a mapping onto the SCAPI engine (spec §7; docs/oci.md, "Connect REST
 * flavour"): field names both ways, nothing computed here.
 */

/** A Connect get-availability body (schema-checked). */
export interface ConnectAvailabilityInput {
  readonly stockKeepingUnit?: string;
  readonly locationGroupIdentifier?: string;
  readonly stockKeepingUnits?: readonly string[];
  readonly locationIdentifiers?: readonly string[];
  readonly locationGroupIdentifiers?: readonly string[];
  readonly useCache?: boolean;
  readonly includeRelatedProducts?: boolean;
}

const bad = (message: string) => new ConnectError(400, 'INVALID_API_INPUT', message);

/**
 * The allowed combinations (spec §7): `stockKeepingUnit` alone (every location in no group) or with
 * `locationGroupIdentifier`; `stockKeepingUnits` with `locationIdentifiers` and/or
 * `locationGroupIdentifiers`. Nothing else. `useCache` is accepted and changes nothing (reads are live).
 */
export function toAvailabilityInput(input: ConnectAvailabilityInput): AvailabilityInput {
  const single = input.stockKeepingUnit !== undefined || input.locationGroupIdentifier !== undefined;
  const list =
    input.stockKeepingUnits !== undefined ||
    input.locationIdentifiers !== undefined ||
    input.locationGroupIdentifiers !== undefined;
  if (single && list)
    throw bad(
      'Use stockKeepingUnit (with locationGroupIdentifier), or stockKeepingUnits with locationIdentifiers and/or locationGroupIdentifiers, not both.',
    );
  if (single) {
    if (input.stockKeepingUnit === undefined)
      throw bad('locationGroupIdentifier is used together with stockKeepingUnit.');
    return {
      sku: input.stockKeepingUnit,
      ...(input.locationGroupIdentifier === undefined ? {} : { group: input.locationGroupIdentifier }),
    };
  }
  if (input.stockKeepingUnits === undefined || input.stockKeepingUnits.length === 0)
    throw bad(
      'Name a SKU: stockKeepingUnit, or stockKeepingUnits with locationIdentifiers or locationGroupIdentifiers.',
    );
  if ((input.locationIdentifiers?.length ?? 0) + (input.locationGroupIdentifiers?.length ?? 0) === 0)
    throw bad('stockKeepingUnits needs locationIdentifiers and/or locationGroupIdentifiers.');
  return {
    skus: input.stockKeepingUnits,
    ...(input.locationIdentifiers === undefined ? {} : { locations: input.locationIdentifiers }),
    ...(input.locationGroupIdentifiers === undefined ? {} : { groups: input.locationGroupIdentifiers }),
  };
}

/** SCAPI field pointers → Connect's, for refusals of the engine's checks. */
const POINTERS: readonly [RegExp, string][] = [
  [/^\/skus\b/, '/stockKeepingUnits'],
  [/^\/sku\b/, '/stockKeepingUnit'],
  [/^\/locations\b/, '/locationIdentifiers'],
  [/^\/groups\b/, '/locationGroupIdentifiers'],
  [/^\/group\b/, '/locationGroupIdentifier'],
  [/^\/records\/(\d+)\/id\b/, '/records/$1/actionRequestId'],
  [/^\/records\/(\d+)\/sku\b/, '/records/$1/stockKeepingUnit'],
  [/^\/records\/(\d+)\/location\b/, '/records/$1/locationIdentifier'],
  [/^\/records\/(\d+)\/futureStock\b/, '/records/$1/futures'],
];

/** The Connect name of a SCAPI field pointer. */
export function connectPointer(path: string): string {
  for (const [pattern, name] of POINTERS) if (pattern.test(path)) return path.replace(pattern, name);
  return path;
}

/** An engine refusal with the field it names in Connect's words (the message is the engine's). */
export function renameFields(error: unknown): unknown {
  if (!(error instanceof OnhandError)) return error;
  const path = error.details[0]?.path;
  if (!path) return error;
  const message = error.message.startsWith(`${path}:`)
    ? error.message.slice(path.length + 1).trim()
    : error.message;
  const renamed = new OnhandError(error.code, `${connectPointer(path)}: ${message}`, error.details);
  return renamed;
}

/** A SCAPI record as Connect's inventory record. */
function inventoryRecord(record: LocationRecord | GroupRecord) {
  return {
    stockKeepingUnit: record.sku,
    onHand: record.onHand,
    reserved: record.reserved,
    safetyStockCount: record.safetyStockCount,
    availableToFulfill: record.atf,
    availableToOrder: record.ato,
    ...(record.effectiveDate === undefined ? {} : { effectiveDate: record.effectiveDate }),
    futures: record.futures.map((f) => ({ quantity: f.quantity, expectedDate: f.expectedDate })),
    exists:
      record.effectiveDate !== undefined ||
      record.futures.length > 0 ||
      record.onHand !== 0n ||
      record.reserved !== 0n ||
      record.safetyStockCount !== 0n,
  };
}

/** The SCAPI get-availability answer in Connect's names. */
export function fromAvailabilityAnswer(answer: AvailabilityAnswer) {
  return {
    locations: answer.locations.map((l) => ({
      locationIdentifier: l.id,
      inventoryRecords: l.records.map(inventoryRecord),
    })),
    locationGroups: (answer.groups ?? []).map((g) => ({
      locationGroupIdentifier: g.id,
      inventoryRecords: g.records.map(inventoryRecord),
    })),
  };
}

/** A Connect batch-update record (schema-checked) as SCAPI's. */
export interface ConnectRecordInput {
  readonly actionRequestId: string;
  readonly stockKeepingUnit: string;
  readonly locationIdentifier: string;
  readonly onHand?: unknown;
  readonly safetyStockCount?: unknown;
  readonly effectiveDate?: unknown;
  readonly futures?: readonly { quantity: unknown; expectedDate: unknown }[];
  readonly externalRefId?: string;
}

export function toRecordInput(record: ConnectRecordInput): AvailabilityRecordInput {
  return {
    id: record.actionRequestId,
    sku: record.stockKeepingUnit,
    location: record.locationIdentifier,
    ...(record.onHand === undefined ? {} : { onHand: record.onHand }),
    ...(record.safetyStockCount === undefined ? {} : { safetyStockCount: record.safetyStockCount }),
    ...(record.effectiveDate === undefined ? {} : { effectiveDate: record.effectiveDate }),
    ...(record.futures === undefined ? {} : { futureStock: record.futures }),
    ...(record.externalRefId === undefined ? {} : { externalRefId: record.externalRefId }),
  };
}

/** The batch outcome as OCIBaseOutputRepresentation: `success`, and one error per failed record. */
export function batchOutput(results: readonly RecordResult[]) {
  const errors = results
    .filter((r) => r.failure !== null)
    .map((r) => ({
      details: {
        actionRequestId: r.id,
        stockKeepingUnit: r.sku,
        locationIdentifier: r.location,
        ...(r.externalRefId === undefined ? {} : { externalRefId: r.externalRefId }),
      },
      errorCode: ociCodeOf(r.failure?.code ?? 'invalid_request'),
      message: connectMessage(r.failure?.message ?? ''),
    }));
  return { success: errors.length === 0, errors };
}

/** A record failure's message with SCAPI field pointers renamed. */
function connectMessage(message: string): string {
  const colon = message.indexOf(':');
  if (colon <= 0 || !message.startsWith('/')) return message;
  return `${connectPointer(message.slice(0, colon))}${message.slice(colon)}`;
}
