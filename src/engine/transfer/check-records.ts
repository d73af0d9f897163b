import { ALLOCATION_LEVEL_PREFIX, ALLOCATION_SOURCE } from '../../domain/allocation/allocation-groups.js';
import { OnhandError } from '../../domain/codes.js';
import { compileConfiguration } from '../../domain/config/compile-configuration.js';
import type { PartitionRule } from '../../domain/config/compiled-configuration.js';
import type { RuntimeConfiguration } from '../../domain/config/runtime-configuration.js';
import { BASE_DIMENSIONS, type Dimensions, dimensionsKey } from '../../domain/dimensions.js';
import { OCI_GROUP_DIMENSION, OCI_SOURCE } from '../../domain/oci/group-locks.js';
import { checkKeySize, partitionIdOf } from '../../domain/partition.js';
import { formatQty, isStorable, type Qty } from '../../domain/quantity.js';
import type { StockKey } from '../../store/store.js';
import type { TransferRecord } from './decode-line.js';
import { TransferError } from './transfer-error.js';

type Of<T extends TransferRecord['type']> = Extract<TransferRecord, { type: T }>;

/** A stored value of the file: its quantity, and the line that holds it (0: no record, only changes). */
interface Tally {
  readonly line: number;
  readonly stored: Qty;
  recorded: Qty;
}

/**
 * The checks of an import that go beyond the shape of each line (decode-line.ts): each record obeys the
 * rules the live write path enforces under the file's configuration, and the stored state the file
 * holds is what its ledger records. Fed the records in file order (check-file.ts), then `finish`.
 *
 * - The configuration compiles in this release.
 * - Every stock row, scheduled value and reservation names base dimensions only (and group levels on
 *   rows of allocation state), keeps its key within
 *   the database's key size, and has the partition id its dimensions give under the configuration's
 *   partition rule (a wrong one would make a later write create a second row: stock counted twice).
 * - Replay: for every stored value (stock row, or scheduled value of one date), its quantity equals the
 *   sum of the ledger's changes to it, and every value the ledger's changes leave non-zero is in the
 *   file. The sums are kept in memory, one per stored value.
 */
export class RecordChecks {
  #rule: PartitionRule | undefined;
  readonly #values = new Map<string, Tally>();

  /** The environment record: its configuration must compile. */
  environment(record: Of<'environment'>, line: number): void {
    const configuration = record.configuration as RuntimeConfiguration;
    try {
      this.#rule = compileConfiguration(configuration).partitionRule;
    } catch (error) {
      const message = error instanceof OnhandError ? error.message : String(error);
      throw new TransferError(`the configuration is not valid: ${message}`, line);
    }
  }

  /** One record of the state or the ledger. */
  record(record: TransferRecord, line: number): void {
    if (record.type === 'stock') {
      this.placed(record.row, record.row.partitionId, line);
      this.store(valueKey(record.row), record.row.quantity, line);
    } else if (record.type === 'schedule') {
      this.placed(record.row, record.row.partitionId, line);
      this.store(valueKey(record.row, record.row.date), record.row.quantity, line);
    } else if (record.type === 'reservation') {
      this.placed(record.record, record.record.partitionId, line);
    } else if (record.type === 'ledger') {
      for (const change of record.entry.changes) {
        const key = valueKey(change, change.date);
        const tally = this.#values.get(key) ?? { line: 0, stored: 0n, recorded: 0n };
        tally.recorded += change.delta;
        this.#values.set(key, tally);
      }
    }
  }

  /** After the last record: every stored value equals its replayed ledger. */
  finish(): void {
    for (const [key, tally] of this.#values) {
      if (tally.stored === tally.recorded) continue;
      const what = describe(key);
      if (tally.line === 0)
        throw new TransferError(
          `the ledger's changes to ${what} add up to ${formatQty(tally.recorded)}, but the file holds no such value: the stock does not match the ledger (was the export taken while another program changed the database?).`,
        );
      throw new TransferError(
        `${what} holds ${formatQty(tally.stored)}, but the ledger's changes to it add up to ${formatQty(tally.recorded)}: the stock does not match the ledger.`,
        tally.line,
      );
    }
  }

  private placed(row: StockKey, partitionId: string, line: number): void {
    const unknown = Object.keys(row.dimensions).filter((name) => !isStoredDimension(row, name));
    if (unknown.length > 0)
      throw new TransferError(`"dimensions" names ${unknown.join(', ')}, not base dimensions.`, line);
    const expected = partitionIdOf(this.rule(line), row.organizationId, row.productId, row.dimensions);
    if (partitionId !== expected)
      throw new TransferError(
        `"partitionId" is ${JSON.stringify(partitionId)}, but its organization, product and dimensions belong to partition ${JSON.stringify(expected)} under the configuration's partition rule.`,
        line,
      );
    try {
      checkKeySize(row.organizationId, row.productId, row.dimensions, partitionId, '');
    } catch (error) {
      throw new TransferError(error instanceof Error ? error.message : String(error), line);
    }
  }

  private store(key: string, quantity: Qty, line: number): void {
    if (!isStorable(quantity)) throw new TransferError('"quantity" is beyond the supported range.', line);
    if (this.#values.has(key)) throw new TransferError(`${describe(key)} appears twice.`, line);
    this.#values.set(key, { line, stored: quantity, recorded: 0n });
  }

  private rule(line: number): PartitionRule {
    if (this.#rule === undefined) throw new TransferError('a record comes before the environment.', line);
    return this.#rule;
  }
}

/** A base dimension, or on a row of allocation state one group level (`@g0` …). */
function isStoredDimension(row: StockKey, name: string): boolean {
  if (BASE_DIMENSIONS.has(name)) return true;
  if (row.dataSource === OCI_SOURCE && name === OCI_GROUP_DIMENSION) return true;
  return row.dataSource === ALLOCATION_SOURCE && GROUP_LEVEL.test(name);
}

const GROUP_LEVEL = new RegExp(`^${ALLOCATION_LEVEL_PREFIX}\\d$`);

/** The identity of a stored value: a stock row's key, plus the date of a scheduled value. */
function valueKey(k: StockKey, date?: string): string {
  return JSON.stringify([
    k.organizationId,
    k.productId,
    dimensionsKey(k.dimensions),
    k.dataSource,
    k.measure,
    date ?? null,
  ]);
}

function describe(key: string): string {
  const [org, product, dims, dataSource, measure, date] = JSON.parse(key) as [
    string,
    string,
    string,
    string,
    string,
    string | null,
  ];
  const dimensions = JSON.parse(dims) as Dimensions;
  const where = `${dataSource}.${measure} of ${org}/${product} ${JSON.stringify(dimensions)}`;
  return date === null ? `the stock value ${where}` : `the value scheduled for ${date} of ${where}`;
}
