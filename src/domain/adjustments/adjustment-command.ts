import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import type { Dimensions } from '../dimensions.js';
import { checkDimensionValue, checkId, MAX_ID_LENGTH } from '../identifiers.js';
import { type OnHandInput, toChangeCommand } from '../onhand-command.js';
import { formatQty, parseQty, type Qty } from '../quantity.js';

/** One item of POST …/transaction/adjustment/bulk (spec §2.11), after schema validation. */
export interface AdjustmentInput {
  readonly id: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensionDataSource?: string | null;
  readonly quantityDataSource: string;
  readonly physicalMeasure: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly quantity: unknown;
  readonly externalReferenceCategory?: string;
  readonly externalReferenceId?: string;
  readonly fnoJournalNameId?: string;
  readonly costPrice?: unknown;
  readonly transDate?: string;
}

/** Prefix of the on-hand event id an adjustment line is posted under (its family is the on-hand one). */
export const ADJUSTMENT_EVENT_PREFIX = 'adj~';

/** A checked adjustment: the line's fields and the on-hand change that posts it. */
export interface AdjustmentCommand {
  readonly lineId: string;
  readonly partitionId: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dataSource: string;
  readonly measure: string;
  readonly dimensions: Dimensions;
  readonly quantity: Qty;
  readonly externalReferenceCategory: string | null;
  readonly externalReferenceId: string | null;
  readonly fnoJournalNameId: string | null;
  readonly costPrice: string | null;
  readonly transDate: string | null;
  /** The on-hand change event that applies the line (event id `adj~<id>`). */
  readonly onHand: OnHandInput;
}

const TRANS_DATE = /^\d{4}-\d{2}-\d{2}(T.*)?$/;

/**
 * Checks an adjustment against the configuration, as the on-hand change it becomes is checked (data
 * source writable, physical measure, dimensions, partition, exact quantity), plus its own fields.
 * Throws OnhandError with the path of the bad field.
 */
export function toAdjustmentCommand(
  config: CompiledConfiguration,
  input: AdjustmentInput,
  path: string,
): AdjustmentCommand {
  const lineId = checkId(input.id, `${path}/id`);
  if (lineId.length > MAX_ID_LENGTH - ADJUSTMENT_EVENT_PREFIX.length)
    fail(
      'value_too_long',
      `${path}/id`,
      `At most ${MAX_ID_LENGTH - ADJUSTMENT_EVENT_PREFIX.length} characters.`,
    );
  const onHand: OnHandInput = {
    id: `${ADJUSTMENT_EVENT_PREFIX}${lineId}`,
    organizationId: input.organizationId,
    productId: input.productId,
    ...(input.dimensionDataSource === undefined ? {} : { dimensionDataSource: input.dimensionDataSource }),
    dimensions: input.dimensions,
    quantities: { [input.quantityDataSource]: { [input.physicalMeasure]: input.quantity } },
  };
  const command = toChangeCommand(config, onHand, path);
  const value = command.values[0];
  if (command.values.length !== 1 || !value)
    fail('no_quantities', `${path}/quantity`, 'The adjustment changes nothing.');
  const optional = (raw: string | undefined, field: string) =>
    raw === undefined ? null : checkDimensionValue(raw, `${path}/${field}`);
  const transDate = optional(input.transDate, 'transDate');
  if (transDate !== null && (!TRANS_DATE.test(transDate) || Number.isNaN(Date.parse(transDate))))
    fail('invalid_date', `${path}/transDate`, 'Expected a date such as "2024-05-01".');
  return {
    lineId,
    partitionId: command.partitionId,
    organizationId: command.organizationId,
    productId: command.productId,
    dataSource: value.dataSource,
    measure: value.measure,
    dimensions: command.dimensions,
    quantity: value.value,
    externalReferenceCategory: optional(input.externalReferenceCategory, 'externalReferenceCategory'),
    externalReferenceId: optional(input.externalReferenceId, 'externalReferenceId'),
    fnoJournalNameId: optional(input.fnoJournalNameId, 'fnoJournalNameId'),
    costPrice:
      input.costPrice === undefined ? null : formatQty(parseQty(input.costPrice, `${path}/costPrice`)),
    transDate,
    onHand,
  };
}
