import { describe, expect, it } from 'vitest';
import {
  formatQty,
  isStorable,
  MAX_INPUT_QTY,
  MAX_STORED_QTY,
  parseQty,
  type Qty,
  qtyOf,
} from '../../src/domain/quantity.js';
import { expectFailure } from './helpers.js';

const PATH = '/quantities/pos/inbound';

describe('parseQty', () => {
  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    const sum = parseQty(0.1, PATH) + parseQty(0.2, PATH);
    expect(sum).toBe(parseQty(0.3, PATH));
    expect(sum).toBe(300_000n);
    expect(formatQty(sum)).toBe('0.3');
  });

  it('rejects the double 0.1 + 0.2 itself instead of rounding it silently', () => {
    expectFailure(() => parseQty(0.1 + 0.2, PATH), 'quantity_precision', PATH);
  });

  it.each<[string, unknown, Qty]>([
    ['an integer number', 10, 10_000_000n],
    ['zero', 0, 0n],
    ['negative zero', -0, 0n],
    ['a decimal number', 0.1, 100_000n],
    ['a negative number', -2.5, -2_500_000n],
    ['a numeric string', '10', 10_000_000n],
    ['a decimal string', '-2.5', -2_500_000n],
    ['a string with a plus sign', '+7', 7_000_000n],
    ['a string with surrounding blanks', ' 42 ', 42_000_000n],
    ['a string with trailing zeros beyond six places', '1.500000000', 1_500_000n],
    ['"-0"', '-0', 0n],
    ['an exponent string', '1e3', 1_000_000_000n],
    ['an exponent string with a negative exponent', '1.5E-3', 1_500n],
    ['an exponent string with a plus exponent', '2.5e+2', 250_000_000n],
    ['a negative exponent string', '-1.5e1', -15_000_000n],
    ['an exponent string that lands on six places', '0.0000001e1', 1n],
    ['a number written with an exponent', 1.5e-3, 1_500n],
    ['a large number written with an exponent', 1e3, 1_000_000_000n],
    ['six decimal places as a string', '0.123456', 123_456n],
    ['six decimal places as a number', 0.123456, 123_456n],
    ['the smallest unit', 0.000001, 1n],
    ['15 significant digits as a number', 123_456_789.123456, 123_456_789_123_456n],
    ['18 significant digits as a string', '123456789012.123456', 123_456_789_012_123_456n],
    ['the upper limit', 1e12, MAX_INPUT_QTY],
    ['the upper limit as a string', '1000000000000', MAX_INPUT_QTY],
    ['the lower limit', -1e12, -MAX_INPUT_QTY],
    ['the lower limit as an exponent string', '-1e12', -MAX_INPUT_QTY],
  ])('accepts %s', (_name, input, expected) => {
    expect(parseQty(input, PATH)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['seven decimal places as a string', '0.1234567'],
    ['seven decimal places as a number', 0.1234567],
    ['a 1e-7 number', 1e-7],
    ['a 1e-7 string', '1e-7'],
    ['an exponent string that leaves seven places', '1.5E-7'],
    ['a number with 16 significant digits (5 decimals)', 12345678901.12345],
    ['a JSON number that a double cannot hold exactly', JSON.parse('123456789012.123456')],
  ])('rejects %s as too precise', (_name, input) => {
    expectFailure(() => parseQty(input, PATH), 'quantity_precision', PATH);
  });

  it('accepts as a string the digits it rejects as a JSON number', () => {
    expectFailure(() => parseQty(12345678901.12345, PATH), 'quantity_precision', PATH);
    expect(parseQty('12345678901.12345', PATH)).toBe(12_345_678_901_123_450n);
  });

  it.each<[string, unknown]>([
    ['one millionth above the upper limit', '1000000000000.000001'],
    ['one millionth below the lower limit', '-1000000000000.000001'],
    ['1e13 as a number', 1e13],
    ['1e15 as a number', 1e15],
    ['1e20 as a number', 1e20],
    ['1e21 as a number', 1e21],
    ['-1e13 as a string', '-1e13'],
    ['1e40 as a string', '1e40'],
    ['an absurd exponent', '1e999'],
    ['the largest double', Number.MAX_VALUE],
  ])('rejects %s as out of range', (_name, input) => {
    expectFailure(() => parseQty(input, PATH), 'quantity_out_of_range', PATH);
  });

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['"abc"', 'abc'],
    ['""', ''],
    ['a blank string', '   '],
    ['"NaN"', 'NaN'],
    ['"Infinity"', 'Infinity'],
    ['a decimal comma', '1,5'],
    ['hexadecimal', '0x10'],
    ['a dangling exponent', '1e'],
    ['two numbers', '1 2'],
    ['a 65-character string', '0'.repeat(65)],
    ['null', null],
    ['undefined', undefined],
    ['true', true],
    ['an object', {}],
    ['an array', [1]],
    ['a bigint', 5n],
  ])('rejects %s as not a quantity', (_name, input) => {
    expectFailure(() => parseQty(input, PATH), 'invalid_quantity', PATH);
  });
});

describe('numbers beyond the double range', () => {
  it.each<[string, number]>([
    ['Infinity (a JSON literal such as 1e400)', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects %s as out of range', (_name, input) => {
    expectFailure(() => parseQty(input, PATH), 'quantity_out_of_range', PATH);
  });
});

describe('formatQty', () => {
  it.each<[Qty, string]>([
    [0n, '0'],
    [1n, '0.000001'],
    [-1n, '-0.000001'],
    [1_500_000n, '1.5'],
    [-500_000n, '-0.5'],
    [10_000_000n, '10'],
    [123_456_789_012_123_456n, '123456789012.123456'],
    [MAX_INPUT_QTY, '1000000000000'],
    [-MAX_STORED_QTY, '-9000000000000'],
  ])('formats %s millionths as "%s"', (qty, text) => {
    expect(formatQty(qty)).toBe(text);
  });

  it('writes the same digits on both sides of 2^53 (double and bigint arithmetic)', () => {
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    /** The definition: integer part and six decimals by bigint division, trailing zeros cut. */
    const reference = (qty: Qty): string => {
      const abs = qty < 0n ? -qty : qty;
      const frac = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
      return `${qty < 0n ? '-' : ''}${abs / 1_000_000n}${frac ? `.${frac}` : ''}`;
    };
    const around = [
      0n,
      1n,
      10n,
      999_999n,
      1_000_000n,
      1_000_001n,
      999_999_999_999n,
      safe - 1n,
      safe,
      safe + 1n,
    ];
    const samples = [...around, ...around.map((q) => safe - q), ...around.map((q) => q * 1_000_003n)];
    for (let i = 0n; i < 2_000n; i++) samples.push(i * 4_503_599_627_370n + (i % 7n) * 10n ** (i % 7n));
    for (const qty of samples.flatMap((q) => [q, -q])) expect(formatQty(qty)).toBe(reference(qty));
  });

  it.each(['0', '0.3', '-2.5', '0.000001', '-0.000001', '42', '999999999999.999999', '-1000000000000'])(
    'round-trips "%s" through parseQty',
    (text) => {
      expect(formatQty(parseQty(text, PATH))).toBe(text);
      expect(parseQty(formatQty(parseQty(text, PATH)), PATH)).toBe(parseQty(text, PATH));
    },
  );

  it.each<[unknown, string]>([
    ['1e3', '1000'],
    ['1.5E-3', '0.0015'],
    ['+7.50', '7.5'],
    [' 0010 ', '10'],
  ])('writes %s canonically as "%s"', (input, text) => {
    expect(formatQty(parseQty(input, PATH))).toBe(text);
  });
});

describe('stored range', () => {
  it('qtyOf converts whole units', () => {
    expect(qtyOf(3)).toBe(3_000_000n);
    expect(qtyOf('0.25')).toBe(250_000n);
  });

  it.each<[Qty, boolean]>([
    [0n, true],
    [MAX_STORED_QTY, true],
    [-MAX_STORED_QTY, true],
    [MAX_STORED_QTY + 1n, false],
    [-MAX_STORED_QTY - 1n, false],
  ])('isStorable(%s) is %s', (qty, storable) => {
    expect(isStorable(qty)).toBe(storable);
  });

  it('keeps every stored value inside a signed 64-bit integer', () => {
    expect(MAX_STORED_QTY < 2n ** 63n).toBe(true);
    expect(MAX_INPUT_QTY < MAX_STORED_QTY).toBe(true);
  });
});
