import { fail } from '../codes.js';
import type { CompiledConfiguration, MeasureRef } from '../config/compiled-configuration.js';
import { canonicalDimensions, type Dimensions } from '../dimensions.js';
import { checkId, checkName } from '../identifiers.js';
import { checkKeySize, partitionIdOf } from '../partition.js';
import { parseQty, type Qty } from '../quantity.js';
import {
  dimensionSource,
  namedDimensions,
  requirePartitionDimensions,
  resolveDimensions,
} from '../resolve-dimensions.js';

/** Longest time-to-live of a reservation: one year. */
export const MAX_TTL_SECONDS = 31_536_000;

/** A reserve request (spec §2.8) after schema validation; expiresAt and ttlSeconds are Onhand's extension. */
export interface ReserveInput {
  readonly id: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensionDataSource?: string | null;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly quantityDataSource?: string | null;
  readonly modifier?: string;
  readonly quantity?: unknown;
  readonly quantities?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly ifCheckAvailForReserv?: boolean;
  readonly expiresAt?: string;
  readonly ttlSeconds?: number;
}

/** A validated reserve command. */
export interface ReserveCommand {
  readonly kind: 'reserve';
  readonly eventId: string;
  readonly organizationId: string;
  readonly productId: string;
  /** Reservation dimensions: base dimensions of the reservation hierarchy only. */
  readonly dimensions: Dimensions;
  readonly partitionId: string;
  readonly dataSource: string;
  readonly measure: string;
  /** > 0 reserves; < 0 (only without the check) releases open reservations at these dimensions. */
  readonly quantity: Qty;
  readonly check: boolean;
  /** The available-for-reservation calculated measure mapped to the reserved measure. */
  readonly afr: MeasureRef;
  readonly expiresAt: string | null;
}

/**
 * Validates a reserve request (spec §2.8, §5.2). The reserved measure is `quantityDataSource.modifier`
 * (quantityDataSource defaults to dimensionDataSource, then `iv`), or the single entry of `quantities`.
 * Dimensions outside the reservation hierarchy are rejected (hierarchy version 0) or dropped
 * (version 1, "filter unconfigured dimensions"). `now` is the current time, for the expiry.
 */
export function toReserveCommand(
  config: CompiledConfiguration,
  input: ReserveInput,
  now: Date,
  path = '',
): ReserveCommand {
  if (!config.reservation.enabled)
    fail('reservation_disabled', path, 'Soft reservation is not enabled in this environment.');
  const eventId = checkId(input.id, `${path}/id`);
  const organizationId = checkId(input.organizationId, `${path}/organizationId`);
  const productId = checkId(input.productId, `${path}/productId`);
  const source = dimensionSource(config, input.dimensionDataSource, `${path}/dimensionDataSource`);
  const resolved = resolveDimensions(source, input.dimensions, `${path}/dimensions`);
  // Missing siteId/locationId is reported before a dimension outside the hierarchy: the vendor answers
  // a reservation without them with statusCode 500 whatever else it names (spec §1.8, §5.2).
  requirePartitionDimensions(config, resolved, `${path}/dimensions`);
  if (config.reservation.version === 0) {
    // Hierarchy version 0 refuses a dimension outside the hierarchy even when its value is empty, as
    // the vendor does (spec §1.10); version 1 ("filter unconfigured dimensions") drops it.
    const outside = namedDimensions(source, input.dimensions).find(
      (named) => !config.reservation.keys.includes(named.base),
    );
    if (outside) notInHierarchy(config, outside.base, `${path}/dimensions/${outside.base}`);
  }
  const dimensions = reservationDimensions(config, resolved, path);
  const partitionId = partitionIdOf(config.partitionRule, organizationId, productId, dimensions);
  checkKeySize(organizationId, productId, dimensions, partitionId, path);
  const { dataSource, measure, quantity } = reservedMeasure(input, source?.name, path);
  const afr = config.dataSources.get(dataSource)?.reservMappings.get(measure);
  if (!afr || !config.dataSources.get(dataSource)?.physicalMeasures.has(measure)) {
    fail(
      'measure_not_reservable',
      `${path}/modifier`,
      `"${dataSource}.${measure}" has no reservation mapping.`,
    );
  }
  const check = input.ifCheckAvailForReserv ?? true;
  if (quantity === 0n)
    fail('invalid_quantity', `${path}/quantity`, 'A reservation quantity must not be zero.');
  if (quantity < 0n && check) {
    fail(
      'negative_reservation_checked',
      `${path}/quantity`,
      'A negative quantity releases reserved stock; send it with ifCheckAvailForReserv: false.',
    );
  }
  const expiresAt = expiryOf(input, now, path);
  if (expiresAt !== null && quantity < 0n)
    fail('invalid_expiry', `${path}/expiresAt`, 'A release cannot expire.');
  return {
    kind: 'reserve',
    eventId,
    organizationId,
    productId,
    dimensions,
    partitionId,
    dataSource,
    measure,
    quantity,
    check,
    afr,
    expiresAt,
  };
}

/** Keeps the dimensions of the reservation hierarchy; others fail (version 0) or are dropped (version 1). */
export function reservationDimensions(
  config: CompiledConfiguration,
  dims: Dimensions,
  path: string,
): Dimensions {
  const keys = config.reservation.keys;
  const outside = Object.keys(dims).filter((d) => !keys.includes(d));
  const [first] = outside;
  if (first !== undefined && config.reservation.version === 0)
    notInHierarchy(config, first, `${path}/dimensions/${first}`);
  return canonicalDimensions(Object.entries(dims).filter(([d]) => keys.includes(d)));
}

function notInHierarchy(config: CompiledConfiguration, base: string, path: string): never {
  fail(
    'dimension_not_in_reservation_hierarchy',
    path,
    `"${base}" is not in the reservation hierarchy [${config.reservation.keys.join(', ')}].`,
  );
}

function reservedMeasure(
  input: ReserveInput,
  dimensionSourceName: string | undefined,
  path: string,
): { dataSource: string; measure: string; quantity: Qty } {
  if (input.modifier !== undefined || input.quantity !== undefined) {
    if (input.modifier === undefined)
      fail('missing_field', `${path}/modifier`, 'modifier names the reserved measure.');
    if (input.quantity === undefined) fail('missing_field', `${path}/quantity`, 'quantity is required.');
    const rawSource = input.quantityDataSource?.trim() || dimensionSourceName || 'iv';
    return {
      dataSource: checkName(rawSource, `${path}/quantityDataSource`),
      measure: checkName(input.modifier, `${path}/modifier`),
      quantity: parseQty(input.quantity, `${path}/quantity`),
    };
  }
  const entries = Object.entries(input.quantities ?? {}).flatMap(([ds, measures]) =>
    Object.entries(measures).map(([m, q]) => [ds, m, q] as const),
  );
  const [entry] = entries;
  if (!entry || entries.length !== 1) {
    fail(
      'missing_field',
      `${path}/modifier`,
      'Give modifier and quantity (or exactly one entry in quantities).',
    );
  }
  const [ds, m, q] = entry;
  const entryPath = `${path}/quantities/${ds}/${m}`;
  return {
    dataSource: checkName(ds, entryPath),
    measure: checkName(m, entryPath),
    quantity: parseQty(q, entryPath),
  };
}

function expiryOf(input: ReserveInput, now: Date, path: string): string | null {
  if (input.expiresAt !== undefined && input.ttlSeconds !== undefined) {
    fail('invalid_expiry', `${path}/ttlSeconds`, 'Give expiresAt or ttlSeconds, not both.');
  }
  if (input.ttlSeconds !== undefined) return expiryFromTtl(input.ttlSeconds, now, `${path}/ttlSeconds`);
  if (input.expiresAt !== undefined) return expiryFromTimestamp(input.expiresAt, now, `${path}/expiresAt`);
  return null;
}

/** now + ttlSeconds (1 … one year), as ISO-8601. */
export function expiryFromTtl(ttlSeconds: number, now: Date, path: string): string {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    fail('invalid_expiry', path, `ttlSeconds must be a whole number from 1 to ${MAX_TTL_SECONDS}.`);
  }
  return new Date(now.getTime() + ttlSeconds * 1000).toISOString();
}

/** An ISO-8601 instant with an offset, in the future and at most a year ahead. */
export function expiryFromTimestamp(text: string, now: Date, path: string): string {
  const millis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)
    ? Date.parse(text)
    : Number.NaN;
  if (Number.isNaN(millis))
    fail(
      'invalid_expiry',
      path,
      `"${text}" is not an ISO-8601 instant with an offset (e.g. 2026-12-01T10:00:00Z).`,
    );
  if (millis <= now.getTime()) fail('invalid_expiry', path, 'expiresAt lies in the past.');
  if (millis > now.getTime() + MAX_TTL_SECONDS * 1000)
    fail('invalid_expiry', path, 'expiresAt lies more than a year ahead.');
  return new Date(millis).toISOString();
}
