import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENVIRONMENT_TOKEN,
  entrySubject,
  environmentSubjects,
  escapeToken,
  isSubjectPrefix,
  messageId,
  parseSubject,
  unescapeToken,
} from '../../../src/domain/relay/nats-subject.js';

/** What NATS accepts as one literal subject token: not empty, no dot, no whitespace, no wildcard. */
const LITERAL_TOKEN = /^[^\s.*>]+$/;

describe('NATS subject tokens', () => {
  it.each([
    ['T-shirt', 'T-shirt'],
    ['sku_42', 'sku_42'],
    ['a.b', 'a~2Eb'],
    ['two words', 'two~20words'],
    ['*', '~2A'],
    ['>', '~3E'],
    ['a*b>c', 'a~2Ab~3Ec'],
    ['~', '~7E'],
    ['50%~off', '50~25~7Eoff'],
    ['café', 'caf~C3~A9'],
    ['商品', '~E5~95~86~E5~93~81'],
    ['😀', '~F0~9F~98~80'],
    ['_env', '~5Fenv'],
    ['__x_y', '~5F_x_y'],
    ['a_b', 'a_b'],
    ['tab\there', 'tab~09here'],
    ['', '~'],
    ['Red', 'Red'],
  ])('%j is the token %j, and back', (id, token) => {
    expect(escapeToken(id)).toBe(token);
    expect(unescapeToken(token)).toBe(id);
  });

  it('keeps case apart: ids that differ only in case get different tokens', () => {
    expect(escapeToken('Red')).not.toBe(escapeToken('red'));
  });

  it('no product token is the token of entries about no single product', () => {
    expect(escapeToken('_env')).not.toBe(ENVIRONMENT_TOKEN);
    expect(unescapeToken(ENVIRONMENT_TOKEN)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['_env', 'reserved'],
    ['a.b', 'a dot'],
    ['a b', 'a space'],
    ['~2e', 'lower-case hex'],
    ['~41', 'an escaped plain character'],
    ['~5', 'a cut escape'],
    ['~FF', 'bytes that are not UTF-8'],
    ['~C3', 'a cut UTF-8 sequence'],
    ['é', 'a raw non-ASCII character'],
  ])('refuses %j (%s) as a token', (token) => {
    expect(unescapeToken(token)).toBeUndefined();
  });

  it('is reversible and one-to-one for every string, and always a literal token', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
        const token = escapeToken(a);
        expect(token).toMatch(LITERAL_TOKEN);
        expect(token.startsWith('_')).toBe(false);
        expect(unescapeToken(token)).toBe(a);
        if (a !== b) expect(escapeToken(b)).not.toBe(token);
      }),
      { numRuns: 500 },
    );
  });
});

describe('subjects of feed entries', () => {
  const change = (productId: string) => ({ productId });

  it('an entry about one product goes to the subject of its environment and product', () => {
    expect(entrySubject('onhand', 'shop.eu', { changes: [change('T.1'), change('T.1')] })).toBe(
      'onhand.shop~2Eeu.T~2E1',
    );
  });

  it('an entry about no product or several goes to the environment subject', () => {
    expect(entrySubject('onhand', 'shop', { changes: [] })).toBe('onhand.shop._env');
    expect(entrySubject('onhand', 'shop', { changes: [change('A'), change('B')] })).toBe('onhand.shop._env');
  });

  it('an environment subscription covers every subject of the environment', () => {
    expect(environmentSubjects('onhand', 'shop.eu')).toBe('onhand.shop~2Eeu.>');
  });

  it('a subject names its environment and product', () => {
    expect(parseSubject('onhand', 'onhand.shop~2Eeu.caf~C3~A9')).toEqual({
      environmentId: 'shop.eu',
      productId: 'café',
    });
    expect(parseSubject('onhand', 'onhand.shop._env')).toEqual({
      environmentId: 'shop',
      productId: undefined,
    });
    expect(parseSubject('onhand', 'other.shop.x')).toBeUndefined();
    expect(parseSubject('onhand', 'onhand.shop.x.y')).toBeUndefined();
    expect(parseSubject('onhand', 'onhand.shop._other')).toBeUndefined();
  });

  it('message ids name the environment and the position', () => {
    expect(messageId('shop', 42)).toBe('shop:42');
    expect(messageId('shop.eu', 42)).toBe('shop~2Eeu:42');
  });

  it.each([
    ['onhand', true],
    ['acme.onhand', true],
    ['', false],
    ['a..b', false],
    ['a.*', false],
    ['a.>', false],
    ['a b', false],
    ['.a', false],
  ])('%j is a subject prefix: %s', (prefix, ok) => {
    expect(isSubjectPrefix(prefix)).toBe(ok);
  });
});
