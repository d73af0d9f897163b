import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatQty } from '../../src/domain/quantity.js';
import { jsonSafe } from '../../src/engine/outcome.js';

/** What jsonSafe promises: exactly a JSON round trip with bigints written as exact quantities. */
const roundTrip = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? formatQty(v) : v)));

describe('jsonSafe', () => {
  it('equals a JSON round trip for any value a command or outcome can hold', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true }), (value) => {
        fc.pre(value !== undefined);
        expect(jsonSafe(value)).toStrictEqual(roundTrip(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes quantities exactly, drops undefined fields and nulls undefined array items', () => {
    const value = { q: 1_500_000n, gone: undefined, list: [undefined, -0, Number.NaN, 2n], at: new Date(0) };
    expect(jsonSafe(value)).toStrictEqual({
      q: '1.5',
      list: [null, 0, null, '0.000002'],
      at: '1970-01-01T00:00:00.000Z',
    });
  });
});
