import { canonicalDimensions, type Dimensions } from '../../domain/dimensions.js';
import { isStorable, MAX_DELTA_QTY, type Qty } from '../../domain/quantity.js';
import { parseScheduleDate } from '../../domain/schedule/schedule-date.js';
import { TransferError } from './transfer-error.js';

const DECIMAL = /^(-)?(\d{1,19})(?:\.(\d{1,6}))?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Typed reads of the fields of one parsed line; every read throws a TransferError naming the line and
 * the field when the value has the wrong type.
 */
export class RecordReader {
  constructor(
    private readonly value: Readonly<Record<string, unknown>>,
    readonly line: number,
  ) {}

  /** Parses one line of text into a reader, or throws when it is not a JSON object. */
  static parse(text: string, line: number): RecordReader {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new TransferError('not valid JSON (is the file an Onhand export?).', line);
    }
    return new RecordReader(objectOf(value, line, 'the line'), line);
  }

  /** The raw value of a field (any JSON). */
  raw(key: string): unknown {
    return this.value[key];
  }

  string(key: string): string {
    const v = this.value[key];
    if (typeof v !== 'string' || v === '') this.fail(key, 'a non-empty string');
    return v;
  }

  /** A string that may be empty. */
  text(key: string): string {
    const v = this.value[key];
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  nullableString(key: string): string | null {
    const v = this.value[key];
    if (v === null) return null;
    if (typeof v !== 'string') this.fail(key, 'a string or null');
    return v;
  }

  integer(key: string, min = 0): number {
    const v = this.value[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(key, `an integer ≥ ${min}`);
    return v;
  }

  /**
   * An exact decimal string such as "12.5" (at most 6 decimals), as millionths: within the stored range,
   * or, for a ledger delta (`delta`), within the range of a recorded change (MAX_DELTA_QTY: a count may
   * move a value from one end of the stored range to the other).
   */
  quantity(key: string, delta = false): Qty {
    return quantityOf(this.value[key], this.line, key, delta);
  }

  /** A calendar day written exactly `yyyy-MM-dd` (as the stores keep schedule dates), e.g. "2023-09-26". */
  date(key: string): string {
    const v = this.value[key];
    if (typeof v !== 'string' || !isCalendarDate(v))
      this.fail(key, 'a date such as "2023-09-26" (yyyy-MM-dd)');
    return v;
  }

  /** True when the field is absent (undefined); a field present as null is not absent. */
  absent(key: string): boolean {
    return this.value[key] === undefined;
  }

  dimensions(key: string): Dimensions {
    return dimensionsOf(this.value[key], this.line, key);
  }

  /** A JSON object field, as it is. */
  plainObject(key: string): Readonly<Record<string, unknown>> {
    return objectOf(this.value[key], this.line, `"${key}"`);
  }

  /** A nested object (e.g. the counts of the end record). */
  object(key: string): RecordReader {
    return new RecordReader(objectOf(this.value[key], this.line, `"${key}"`), this.line);
  }

  /** The elements of an array field, each an object. */
  objects(key: string): RecordReader[] {
    const v = this.value[key];
    if (!Array.isArray(v)) this.fail(key, 'an array');
    return v.map((item, i) => new RecordReader(objectOf(item, this.line, `"${key}[${i}]"`), this.line));
  }

  private fail(key: string, expected: string): never {
    throw new TransferError(`"${key}" must be ${expected}.`, this.line);
  }
}

function objectOf(value: unknown, line: number, what: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TransferError(`${what} must be a JSON object.`, line);
  return value as Record<string, unknown>;
}

function quantityOf(value: unknown, line: number, key: string, delta: boolean): Qty {
  const m = typeof value === 'string' ? DECIMAL.exec(value) : null;
  if (!m) throw new TransferError(`"${key}" must be a decimal string such as "12.5".`, line);
  const [, sign, int = '0', frac = ''] = m;
  const micro = BigInt(int) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
  const qty = sign === '-' ? -micro : micro;
  const inRange = delta ? qty <= MAX_DELTA_QTY && qty >= -MAX_DELTA_QTY : isStorable(qty);
  if (!inRange) throw new TransferError(`"${key}" is beyond the supported range.`, line);
  return qty;
}

function isCalendarDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  try {
    return parseScheduleDate(text, '') === text;
  } catch {
    return false;
  }
}

function dimensionsOf(value: unknown, line: number, key: string): Dimensions {
  const entries = Object.entries(objectOf(value, line, `"${key}"`));
  for (const [name, v] of entries) {
    if (typeof v !== 'string') throw new TransferError(`"${key}.${name}" must be a string.`, line);
  }
  return canonicalDimensions(entries as [string, string][]);
}
