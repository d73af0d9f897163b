import { fail } from '../codes.js';
import type { CalculatedMeasure, CompiledConfiguration } from '../config/compiled-configuration.js';
import type { Dimensions } from '../dimensions.js';
import { checkName } from '../identifiers.js';
import { resolveTarget } from '../onhand-command.js';
import { checkKeySize } from '../partition.js';
import { parseQty, type Qty } from '../quantity.js';
import { reservationDimensions } from '../reservation/reserve-command.js';
import { allocationFormula, signInFormula } from './allocation-formula.js';
import { type GroupPath, groupDimensions, parseGroupPath } from './allocation-groups.js';

/** The four allocation writes of spec §4.3. */
export type AllocationKind = 'allocate' | 'unallocate' | 'reallocate' | 'consume';

/**
 * An allocation write after schema validation. `groups` names the group path (the target of a
 * reallocation); `targetGroups` is the 2022 spelling of the same field and is accepted instead.
 */
export interface AllocationInput {
  readonly id: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensionDataSource?: string | null;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly groups?: Readonly<Record<string, string>>;
  readonly targetGroups?: Readonly<Record<string, string>>;
  readonly sourceGroups?: Readonly<Record<string, string>>;
  readonly quantity: unknown;
  readonly physicalMeasures?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * An on-hand change a consume posts with it: `sign` × quantity on dataSource.measure. For a reserved
 * measure (one with a reservation mapping, such as iv.softreserved) `reserveAt` is set: the quantity
 * becomes a soft reservation at those reservation dimensions (spec §4.4, consume as soft reservation).
 */
export interface ConsumeMeasure {
  readonly dataSource: string;
  readonly measure: string;
  readonly sign: 1n | -1n;
  readonly reserveAt: Dimensions | null;
}

/** A validated allocation write. */
export interface AllocationCommand {
  readonly kind: AllocationKind;
  readonly eventId: string;
  readonly organizationId: string;
  readonly productId: string;
  /** The key's exact dimension tuple (spec §4.4): allocations at other tuples are unrelated. */
  readonly dimensions: Dimensions;
  readonly partitionId: string;
  /** The group path written (the target of a reallocation). */
  readonly groups: GroupPath;
  /** The group path a reallocation takes from; null for the other kinds. */
  readonly sourceGroups: GroupPath | null;
  /** > 0, exact millionths. */
  readonly quantity: Qty;
  /** On-hand changes posted by a consume (spec §4.4); empty for the other kinds. */
  readonly measures: readonly ConsumeMeasure[];
  /** The available-to-allocate formula the pool is checked with. */
  readonly formula: CalculatedMeasure;
}

/** The request as hashed for idempotency: `targetGroups` is the same field as `groups`. */
export function canonicalAllocationInput(input: AllocationInput): Record<string, unknown> {
  const { targetGroups, ...rest } = input;
  return { ...rest, groups: input.groups ?? targetGroups };
}

/**
 * Validates an allocation write (spec §4.3, §4.4): allocation enabled, a positive quantity, group
 * paths of configured groups named from the top down, partition dimensions present, and for a
 * consume, physical measures the caller may post (never fno or a system `@` source, never a reserved
 * measure, and with the opposite modifier to the one the measure has in the available-to-allocate
 * formula, so the pool stays where it was).
 */
export function toAllocationCommand(
  config: CompiledConfiguration,
  kind: AllocationKind,
  input: AllocationInput,
  path = '',
): AllocationCommand {
  const formula = allocationFormula(config, path);
  const { eventId, organizationId, productId, dimensions, partitionId } = resolveTarget(config, input, path);
  if (input.groups !== undefined && input.targetGroups !== undefined) {
    fail(
      'invalid_request',
      `${path}/targetGroups`,
      'Give groups or targetGroups (the older name), not both.',
    );
  }
  const groupsPath = input.targetGroups !== undefined ? `${path}/targetGroups` : `${path}/groups`;
  const groups = parseGroupPath(config, input.groups ?? input.targetGroups, groupsPath, true);
  let sourceGroups: GroupPath | null = null;
  if (kind === 'reallocate') {
    sourceGroups = parseGroupPath(config, input.sourceGroups, `${path}/sourceGroups`, true);
    if (sourceGroups.join('\u0000') === groups.join('\u0000') && sourceGroups.length === groups.length) {
      fail('reallocate_same_group', groupsPath, 'Source and target groups are the same group path.');
    }
  }
  for (const g of [groups, sourceGroups ?? []]) {
    checkKeySize(organizationId, productId, groupDimensions(dimensions, g), partitionId, path);
  }
  const quantity = parseQty(input.quantity, `${path}/quantity`);
  if (quantity <= 0n) fail('invalid_quantity', `${path}/quantity`, 'The quantity must be greater than zero.');
  const measures =
    kind === 'consume' ? consumeMeasures(config, formula, input.physicalMeasures, dimensions, path) : [];
  return {
    kind,
    eventId,
    organizationId,
    productId,
    dimensions,
    partitionId,
    groups,
    sourceGroups,
    quantity,
    measures,
    formula,
  };
}

function consumeMeasures(
  config: CompiledConfiguration,
  formula: CalculatedMeasure,
  physicalMeasures: AllocationInput['physicalMeasures'],
  dimensions: Dimensions,
  path: string,
): ConsumeMeasure[] {
  const out: ConsumeMeasure[] = [];
  for (const [ds, measures] of Object.entries(physicalMeasures ?? {})) {
    for (const [m, modifier] of Object.entries(measures)) {
      const at = `${path}/physicalMeasures/${ds}/${m}`;
      const dataSource = checkName(ds, at);
      const measure = checkName(m, at);
      const def = config.dataSources.get(dataSource);
      if (!def) fail('unknown_data_source', at, `Data source "${ds}" is not configured.`);
      if (!def.physicalMeasures.has(measure))
        fail('unknown_measure', at, `"${ds}.${m}" is not a physical measure.`);
      if (dataSource === 'fno' || dataSource.startsWith('@')) {
        fail('data_source_read_only', at, `"${ds}" cannot be used in physicalMeasures of a consume.`);
      }
      const lower = typeof modifier === 'string' ? modifier.trim().toLowerCase() : '';
      if (lower !== 'addition' && lower !== 'subtraction')
        fail('invalid_consume_measure', at, 'The modifier must be "Addition" or "Subtraction".');
      const sign = lower === 'addition' ? 1n : -1n;
      const reserveAt = def.reservMappings.has(measure)
        ? consumeAsReservation(config, out, dimensions, sign, `${ds}.${m}`, at, path)
        : null;
      const inFormula = signInFormula(formula, dataSource, measure);
      if (inFormula !== 0 && BigInt(inFormula) === sign) {
        const wanted = inFormula === 1 ? 'Subtraction' : 'Addition';
        fail(
          'invalid_consume_measure',
          at,
          `"${ds}.${m}" is ${inFormula === 1 ? 'added' : 'subtracted'} in the available-to-allocate formula; consume must post it as ${wanted}.`,
        );
      }
      if (out.some((c) => c.dataSource === dataSource && c.measure === measure))
        fail('invalid_request', at, `"${ds}.${m}" is given twice.`);
      out.push({ dataSource, measure, sign, reserveAt });
    }
  }
  return out;
}

/**
 * Consume as soft reservation (spec §4.4): a reserved measure may only be consumed with Addition, once
 * per consume, while soft reservation is enabled; the reservation is made at the reservation
 * dimensions of the request (dimensions outside the hierarchy fail or are dropped, as for reserve).
 */
function consumeAsReservation(
  config: CompiledConfiguration,
  earlier: readonly ConsumeMeasure[],
  dimensions: Dimensions,
  sign: 1n | -1n,
  name: string,
  at: string,
  path: string,
): Dimensions {
  if (!config.reservation.enabled)
    fail('reservation_disabled', at, 'Soft reservation is not enabled in this environment.');
  if (sign < 0n) {
    fail(
      'reserved_measure_not_writable',
      at,
      `"${name}" holds soft reservations: consume it only with Addition, which reserves the quantity.`,
    );
  }
  if (earlier.some((c) => c.reserveAt !== null))
    fail('invalid_consume_measure', at, 'A consume can reserve on one measure only.');
  return reservationDimensions(config, dimensions, path);
}
