import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import type { Dimensions } from '../dimensions.js';
import { checkId } from '../identifiers.js';
import { type OnHandCommand, type OnHandInput, toChangeCommand } from '../onhand-command.js';
import { parseQty, type Qty } from '../quantity.js';
import { dimensionSource, resolveDimensions } from '../resolve-dimensions.js';
import { reservationDimensions } from './reserve-command.js';

/** An unreserve request (spec §2.8, §5.4) after schema validation. */
export interface UnreserveInput {
  readonly id: string;
  readonly organizationId: string;
  readonly productId?: string;
  readonly reservationId: string;
  readonly dimensionDataSource?: string | null;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly OffsetQty: unknown;
}

/** A validated unreserve: release up to `quantity` of one reservation. */
export interface UnreserveCommand {
  readonly kind: 'unreserve';
  readonly eventId: string;
  readonly organizationId: string;
  readonly productId: string | undefined;
  readonly reservationId: string;
  /** The reservation dimensions the client sent, to compare with the reservation's; undefined when none. */
  readonly dimensions: Dimensions | undefined;
  readonly quantity: Qty;
}

/** Validates an unreserve request; OffsetQty must be positive. */
export function toUnreserveCommand(
  config: CompiledConfiguration,
  input: UnreserveInput,
  path = '',
): UnreserveCommand {
  const source = dimensionSource(config, input.dimensionDataSource, `${path}/dimensionDataSource`);
  const given = input.dimensions && Object.keys(input.dimensions).length > 0 ? input.dimensions : undefined;
  return {
    kind: 'unreserve',
    eventId: checkId(input.id, `${path}/id`),
    organizationId: checkId(input.organizationId, `${path}/organizationId`),
    productId: input.productId === undefined ? undefined : checkId(input.productId, `${path}/productId`),
    reservationId: checkId(input.reservationId, `${path}/reservationId`),
    dimensions: given
      ? reservationDimensions(config, resolveDimensions(source, given, `${path}/dimensions`), path)
      : undefined,
    quantity: positive(input.OffsetQty, `${path}/OffsetQty`),
  };
}

/**
 * An offset from the ERP (Onhand's extension of spec §5.5): an on-hand change (the physical deduction)
 * and the release of the reservation it fulfils, applied in one atomic step.
 */
export interface OffsetInput extends OnHandInput {
  readonly reservationId?: string;
  readonly offsetQty: unknown;
}

export interface OffsetCommand {
  readonly kind: 'offset';
  readonly change: OnHandCommand;
  /** The reservation to release; undefined: auto offset, oldest open reservations at the same dimensions. */
  readonly reservationId: string | undefined;
  /** Reservation dimensions of the change (hierarchy applied), for auto offset. */
  readonly reservationDimensions: Dimensions;
  readonly quantity: Qty;
}

/** Validates an offset: the change is validated like any on-hand change event. */
export function toOffsetCommand(config: CompiledConfiguration, input: OffsetInput, path = ''): OffsetCommand {
  const change = toChangeCommand(config, input, path);
  const source = dimensionSource(config, input.dimensionDataSource, `${path}/dimensionDataSource`);
  const dims = resolveDimensions(source, input.dimensions, `${path}/dimensions`);
  const keys = config.reservation.keys;
  return {
    kind: 'offset',
    change,
    reservationId:
      input.reservationId === undefined ? undefined : checkId(input.reservationId, `${path}/reservationId`),
    reservationDimensions: Object.fromEntries(Object.entries(dims).filter(([d]) => keys.includes(d))),
    quantity: positive(input.offsetQty, `${path}/offsetQty`),
  };
}

function positive(value: unknown, path: string): Qty {
  const quantity = parseQty(value, path);
  if (quantity <= 0n) fail('invalid_quantity', path, 'Must be greater than zero.');
  return quantity;
}
