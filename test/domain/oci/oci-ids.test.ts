import { describe, expect, it } from 'vitest';
import { OnhandError } from '../../../src/domain/codes.js';
import { checkLocationId, checkSku } from '../../../src/domain/oci/oci-ids.js';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof OnhandError ? error.code : 'not an OnhandError';
  }
};

/** The identifier rules of the OCI API (spec §1.2, docs/oci.md). */
describe('OCI ids', () => {
  it('takes SKUs of the specification pattern, unicode included', () => {
    expect(checkSku('sku-1', '/sku')).toBe('sku-1');
    expect(checkSku('tröja_XL.blå', '/sku')).toBe('tröja_XL.blå');
  });

  it('refuses SKUs with the pattern characters, white space or control characters (a NUL included)', () => {
    for (const sku of ['a/b', 'a b', 'a%b', 'a\tb'])
      expect(
        codeOf(() => checkSku(sku, '/sku')),
        sku,
      ).toBe('invalid_id');
    for (const sku of ['\u0000\u0000', 'ab\u0000', 'a\u0001b', 'a\u007fb'])
      expect(
        codeOf(() => checkSku(sku, '/sku')),
        JSON.stringify(sku),
      ).toBe('invalid_id');
    expect(codeOf(() => checkSku('x'.repeat(251), '/sku'))).toBe('value_too_long');
  });

  it('takes location ids of letters, digits, - and _ only', () => {
    expect(checkLocationId('store_1-a', '/location')).toBe('store_1-a');
    expect(codeOf(() => checkLocationId('a\u0000', '/location'))).toBe('invalid_id');
  });
});
