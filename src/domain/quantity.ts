import { fail } from './codes.js';

/**
 * An exact quantity in millionths of a unit: 0.1 + 0.2 is 100000n + 200000n = 300000n, exactly 0.3.
 * BigInt keeps arithmetic exact; storage columns are 64-bit integers.
 */
export type Qty = bigint;

/** Number of decimal places kept. */
export const QTY_SCALE = 6;
const FACTOR = 1_000_000n;

/** Largest magnitude accepted in a request: 1,000,000,000,000 units. */
export const MAX_INPUT_QTY: Qty = 1_000_000_000_000n * FACTOR;
/** Largest magnitude a stored value may reach (fits a signed 64-bit integer with headroom). */
export const MAX_STORED_QTY: Qty = 9_000_000_000_000n * FACTOR;
/**
 * Largest magnitude a change recorded in the ledger may have: the difference of two stored values (a
 * count can move a value from −MAX_STORED_QTY to +MAX_STORED_QTY). Beyond a signed 64-bit integer of
 * millionths, which is why the ledger keeps deltas as decimal text.
 */
export const MAX_DELTA_QTY: Qty = 2n * MAX_STORED_QTY;
/** JSON numbers are IEEE doubles; beyond this many significant digits they are not exact. */
export const MAX_NUMBER_DIGITS = 15;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;
const EXPONENT = /^([+-])?(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;

/**
 * Parses a quantity given as a JSON number or a numeric string ("10", "-2.5", "1e3").
 * Throws OnhandError (invalid_quantity, quantity_precision, quantity_out_of_range) with `path`.
 */
export function parseQty(value: unknown, path: string): Qty {
  let text: string;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) fail('invalid_quantity', path, 'Quantity must be a number.');
    // A JSON literal beyond the double range (1e400) arrives as Infinity.
    if (!Number.isFinite(value))
      fail('quantity_out_of_range', path, 'Quantity is beyond the supported range.');
    text = numberToPlain(value, path);
  } else if (typeof value === 'string') {
    text = value.trim();
    if (text.length === 0 || text.length > 64)
      fail('invalid_quantity', path, `"${clip(value)}" is not a decimal number.`);
    text = expandExponent(text, path);
  } else {
    fail('invalid_quantity', path, 'Quantity must be a number or a numeric string.');
  }
  const m = DECIMAL.exec(text);
  if (!m) fail('invalid_quantity', path, `"${clip(text)}" is not a decimal number.`);
  const [, sign, int = '0', frac = ''] = m;
  const trimmedFrac = frac.replace(/0+$/, '');
  if (trimmedFrac.length > QTY_SCALE) {
    fail('quantity_precision', path, `At most ${QTY_SCALE} decimal places are supported.`);
  }
  const micro = BigInt(int) * FACTOR + BigInt(trimmedFrac.padEnd(QTY_SCALE, '0') || '0');
  const qty = sign === '-' ? -micro : micro;
  if (qty > MAX_INPUT_QTY || qty < -MAX_INPUT_QTY) {
    fail('quantity_out_of_range', path, `Quantities must lie within ±${formatQty(MAX_INPUT_QTY)}.`);
  }
  return qty;
}

function numberToPlain(value: number, path: string): string {
  // Range first: 1e15 is exact but out of range, and must not be reported as too precise.
  if (Math.abs(value) > Number(MAX_INPUT_QTY / FACTOR)) {
    fail('quantity_out_of_range', path, `Quantities must lie within ±${formatQty(MAX_INPUT_QTY)}.`);
  }
  const text = String(value);
  const digits = text
    .replace(/e.*$/i, '')
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '');
  if (digits.length > MAX_NUMBER_DIGITS) {
    fail(
      'quantity_precision',
      path,
      `JSON numbers with more than ${MAX_NUMBER_DIGITS} significant digits are not exact; send the quantity as a string.`,
    );
  }
  return expandExponent(text, path);
}

function expandExponent(text: string, path: string): string {
  const m = EXPONENT.exec(text);
  if (!m) return text;
  const [, sign = '', int = '0', frac = '', expText = '0'] = m;
  const exp = Number(expText);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 40) {
    fail('quantity_out_of_range', path, 'Quantity exponent is out of range.');
  }
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function clip(s: string): string {
  return s.length > 32 ? `${s.slice(0, 32)}…` : s;
}

/** Formats a quantity as a plain decimal string without trailing zeros: 1500000n → "1.5". */
export function formatQty(qty: Qty): string {
  // Within ±2^53 the digits come from a double exactly (`%` and a division that leaves no remainder are
  // exact there), without the bigint divisions' allocations: every quantity of a feed entry or an answer.
  if (qty <= MAX_SAFE && qty >= -MAX_SAFE) return formatSafe(Number(qty));
  const negative = qty < 0n;
  const abs = negative ? -qty : qty;
  const int = abs / FACTOR;
  const rest = abs % FACTOR;
  if (rest === 0n) return negative ? `-${int}` : `${int}`;
  return `${negative ? '-' : ''}${int}.${fraction(rest.toString())}`;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const NUMBER_FACTOR = Number(FACTOR);

/** formatQty of a quantity that is a safe integer. */
function formatSafe(qty: number): string {
  const negative = qty < 0;
  const abs = negative ? -qty : qty;
  const rest = abs % NUMBER_FACTOR;
  const int = (abs - rest) / NUMBER_FACTOR;
  if (rest === 0) return negative ? `-${int}` : `${int}`;
  return `${negative ? '-' : ''}${int}.${fraction(String(rest))}`;
}

/** The fraction's digits of a remainder 1 … FACTOR − 1, without trailing zeros. */
function fraction(rest: string): string {
  const digits = rest.padStart(QTY_SCALE, '0');
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  return digits.slice(0, end);
}

/** Converts whole units to a quantity (for tests and defaults). */
export function qtyOf(units: number | string): Qty {
  return parseQty(units, '');
}

/** True when a stored value stays within the supported range. */
export function isStorable(qty: Qty): boolean {
  return qty <= MAX_STORED_QTY && qty >= -MAX_STORED_QTY;
}
