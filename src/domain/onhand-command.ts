import { fail } from './codes.js';
import type { CompiledConfiguration } from './config/compiled-configuration.js';
import type { Dimensions } from './dimensions.js';
import { checkId, checkName } from './identifiers.js';
import { checkKeySize, partitionIdOf } from './partition.js';
import { parseQty, type Qty } from './quantity.js';
import { dimensionSource, requirePartitionDimensions, resolveDimensions } from './resolve-dimensions.js';

/** A change event (spec §2.5) or a count (spec §2.6) as it arrives, after schema validation. */
export interface OnHandInput {
  readonly id: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensionDataSource?: string | null;
  readonly dimensions?: Readonly<Record<string, string>>;
  /** Quantities as sent: numbers or numeric strings, parsed exactly by parseQty. */
  readonly quantities: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly modifiedDateTimeUTC?: string;
}

/** One measure a command changes (a delta) or sets (an absolute value). */
export interface MeasureValue {
  readonly dataSource: string;
  readonly measure: string;
  readonly value: Qty;
}

/** A validated on-hand change or count, in canonical form. */
export interface OnHandCommand {
  readonly kind: 'onhand.change' | 'onhand.set';
  readonly eventId: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Dimensions;
  readonly partitionId: string;
  readonly values: readonly MeasureValue[];
  /** For counts: modifiedDateTimeUTC normalised to ISO-8601 UTC, or null when not given. */
  readonly countedAt: string | null;
}

/**
 * Validates and normalises an on-hand change event: deltas to physical measures of writable data
 * sources, dimensions mapped to base dimensions. Throws OnhandError with the path of the bad field.
 */
export function toChangeCommand(config: CompiledConfiguration, input: OnHandInput, path = ''): OnHandCommand {
  return build(config, input, path, 'onhand.change', undefined);
}

/**
 * Validates and normalises a count for `setonhand/{inventorySystem}/bulk`: every quantity must belong
 * to the data source named in the path.
 */
export function toSetCommand(
  config: CompiledConfiguration,
  inventorySystem: string,
  input: OnHandInput,
  path = '',
): OnHandCommand {
  return build(config, input, path, 'onhand.set', inventorySystem.toLowerCase());
}

function build(
  config: CompiledConfiguration,
  input: OnHandInput,
  path: string,
  kind: OnHandCommand['kind'],
  inventorySystem: string | undefined,
): OnHandCommand {
  const { eventId, organizationId, productId, dimensions, partitionId } = resolveTarget(
    config,
    input,
    path,
    !config.onHandWithoutLocation,
  );
  const values = measureValues(config, input.quantities, `${path}/quantities`, inventorySystem);
  const countedAt =
    kind === 'onhand.set' ? parseCountedAt(input.modifiedDateTimeUTC, `${path}/modifiedDateTimeUTC`) : null;
  return {
    kind,
    eventId,
    organizationId,
    productId,
    dimensions,
    partitionId,
    values,
    countedAt,
  };
}

/** What a write is about: its event id, and the product and dimension tuple it changes. */
export interface WriteTarget {
  readonly eventId: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Dimensions;
  readonly partitionId: string;
}

/**
 * Checks the ids of a write and resolves its dimensions (mapped through dimensionDataSource) to a
 * canonical tuple with its partition id. Throws OnhandError with the path of the bad field.
 * `requirePartition` false lets a write partitioned by location leave out siteId and locationId
 * (on-hand changes when the configuration allows it, see CompiledConfiguration.onHandWithoutLocation).
 */
export function resolveTarget(
  config: CompiledConfiguration,
  input: Pick<OnHandInput, 'id' | 'organizationId' | 'productId' | 'dimensionDataSource' | 'dimensions'>,
  path: string,
  requirePartition = true,
): WriteTarget {
  const eventId = checkId(input.id, `${path}/id`);
  const organizationId = checkId(input.organizationId, `${path}/organizationId`);
  const productId = checkId(input.productId, `${path}/productId`);
  const source = dimensionSource(config, input.dimensionDataSource, `${path}/dimensionDataSource`);
  const dimensions = resolveDimensions(source, input.dimensions, `${path}/dimensions`);
  if (requirePartition) requirePartitionDimensions(config, dimensions, `${path}/dimensions`);
  const partitionId = partitionIdOf(config.partitionRule, organizationId, productId, dimensions);
  checkKeySize(organizationId, productId, dimensions, partitionId, path);
  return { eventId, organizationId, productId, dimensions, partitionId };
}

/** Resolves `{ dataSource: { measure: quantity } }` to writable physical measures. */
export function measureValues(
  config: CompiledConfiguration,
  quantities: OnHandInput['quantities'],
  path: string,
  inventorySystem?: string,
): MeasureValue[] {
  const values: MeasureValue[] = [];
  const seen = new Set<string>();
  for (const [rawSource, measures] of Object.entries(quantities)) {
    const sourcePath = `${path}/${rawSource}`;
    const dataSource = checkName(rawSource, sourcePath);
    if (inventorySystem !== undefined && dataSource !== inventorySystem) {
      fail(
        'inventory_system_mismatch',
        sourcePath,
        `Only "${inventorySystem}" quantities can be set through this path.`,
      );
    }
    const source = config.dataSources.get(dataSource);
    if (!source) fail('unknown_data_source', sourcePath, `Data source "${rawSource}" is not configured.`);
    if (dataSource === 'fno' || dataSource.startsWith('@')) {
      fail(
        'data_source_read_only',
        sourcePath,
        `"${dataSource}" is maintained by ${dataSource === 'fno' ? 'the ERP integration' : 'Onhand itself'} and cannot be written here.`,
      );
    }
    for (const [rawMeasure, quantity] of Object.entries(measures)) {
      const measurePath = `${sourcePath}/${rawMeasure}`;
      const measure = checkName(rawMeasure, measurePath);
      if (source.calculatedMeasures.has(measure)) {
        fail(
          'calculated_measure_not_writable',
          measurePath,
          `"${dataSource}.${measure}" is a calculated measure.`,
        );
      }
      if (source.reservMappings.has(measure)) {
        fail(
          'reserved_measure_not_writable',
          measurePath,
          `"${dataSource}.${measure}" holds soft reservations; change it through reserve and unreserve.`,
        );
      }
      if (!source.physicalMeasures.has(measure)) {
        fail(
          'unknown_measure',
          measurePath,
          `"${dataSource}.${measure}" is not a physical measure of "${dataSource}".`,
        );
      }
      const key = `${dataSource}.${measure}`;
      if (seen.has(key)) fail('duplicate_name', measurePath, `"${key}" is given twice.`);
      seen.add(key);
      values.push({ dataSource, measure, value: parseQty(quantity, measurePath) });
    }
  }
  if (values.length === 0) fail('no_quantities', path, 'Give at least one data source and measure.');
  return values;
}

const ISO_DATETIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The range of a count's effective time, in UTC: years 0001 to 9999. Inside it every instant has one
 * ISO-8601 form with a four-digit year (2026-…Z); beyond it JavaScript writes a six-digit year
 * (+010000-…), which would neither compare nor read back like the others.
 */
export const EARLIEST_COUNT_TIME = Date.parse('0001-01-01T00:00:00.000Z');
export const LATEST_COUNT_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Parses modifiedDateTimeUTC; a value without an offset is taken as UTC. Refuses (invalid_datetime) an
 * instant outside years 0001 … 9999 in UTC, such as 9999-12-31T23:00:00-02:00.
 */
function parseCountedAt(value: string | undefined, path: string): string | null {
  if (value === undefined || value === '') return null;
  if (!ISO_DATETIME.test(value.trim()))
    fail('invalid_datetime', path, `"${value}" is not an ISO-8601 date-time.`);
  const text = value.trim();
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.length > 10;
  const millis = Date.parse(
    hasZone ? text : `${text.length === 10 ? `${text}T00:00:00` : text.replace(' ', 'T')}Z`,
  );
  if (Number.isNaN(millis) || !isCalendarDate(text))
    fail('invalid_datetime', path, `"${value}" is not a valid date-time.`);
  if (millis < EARLIEST_COUNT_TIME || millis > LATEST_COUNT_TIME) {
    fail(
      'invalid_datetime',
      path,
      `"${value}" lies outside the supported range 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999Z (UTC).`,
    );
  }
  return new Date(millis).toISOString();
}

/** Date.parse rolls 2024-02-30 over to March 1; a count must not silently move to another day. */
function isCalendarDate(text: string): boolean {
  const [year = 0, month = 0, day = 0] = text.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
