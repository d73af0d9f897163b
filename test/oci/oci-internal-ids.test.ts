import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fitOciId } from '../../src/engine/oci/oci-internal-ids.js';

const sha = (s: string) => `oci~sha256~${createHash('sha256').update(s, 'utf8').digest('base64url')}`;
const emoji = '😀';

describe('fitOciId (docs/oci.md, "Internal ids")', () => {
  it.each([
    ['a short id is kept exactly', 'oci~imp~r1~sku1', 'oci~imp~r1~sku1'],
    ['256 characters are kept', `oci~a~b~${'x'.repeat(248)}`, `oci~a~b~${'x'.repeat(248)}`],
    [
      '256 code points of 2 UTF-16 units each are kept',
      `oci~a~b~${emoji.repeat(248)}`,
      `oci~a~b~${emoji.repeat(248)}`,
    ],
    ['257 characters are hashed', `oci~a~b~${'x'.repeat(249)}`, sha(`oci~a~b~${'x'.repeat(249)}`)],
    ['257 code points are hashed', `oci~a~b~${'商'.repeat(249)}`, sha(`oci~a~b~${'商'.repeat(249)}`)],
    [
      'text that is not well-formed is kept (IV refuses it)',
      `oci~a~b~${'\ud800'.repeat(300)}`,
      `oci~a~b~${'\ud800'.repeat(300)}`,
    ],
  ])('%s', (_name, composed, expected) => {
    expect(fitOciId(composed)).toBe(expected);
  });

  it('gives the same id for the same composed id and different ids for ids that differ at the end', () => {
    const long = `oci~import~${'r'.repeat(128)}~${'s'.repeat(250)}`;
    expect(fitOciId(long)).toBe(fitOciId(`${long}`));
    expect(fitOciId(long)).not.toBe(fitOciId(`${long.slice(0, -1)}t`));
    expect(fitOciId(long)).toHaveLength(54);
  });
});
