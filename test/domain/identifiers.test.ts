import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import {
  checkDimensionValue,
  checkId,
  checkName,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  normalizeEnvironmentId,
} from '../../src/domain/identifiers.js';
import { lockKeyOf, partitionIdOf } from '../../src/domain/partition.js';
import { expectFailure } from './helpers.js';

/* Identifiers (ids, names, dimension values) and the partition ids and lock keys built from them. */

describe('identifiers', () => {
  it.each(['Test201', 'T-shirt', 'usmf', 'Ünïcødé 🧦', 'x'.repeat(MAX_ID_LENGTH)])(
    'accepts the id %j unchanged',
    (id) => {
      expect(checkId(id, '/id')).toBe(id);
    },
  );

  it.each<[string, string, ErrorCode]>([
    ['an empty id', '', 'invalid_id'],
    ['a too long id', 'x'.repeat(MAX_ID_LENGTH + 1), 'value_too_long'],
    ['a newline', 'a\nb', 'invalid_id'],
    ['a tab', 'a\tb', 'invalid_id'],
    ['DEL', 'a\u007fb', 'invalid_id'],
  ])('rejects %s', (_name, id, code) => {
    expectFailure(() => checkId(id, '/id'), code, '/id');
  });

  it('allows an empty dimension value but not a control character in one', () => {
    expect(checkDimensionValue('', '/v')).toBe('');
    expectFailure(() => checkDimensionValue('\u001f', '/v'), 'invalid_id', '/v');
  });

  it('lower-cases names and bounds their length', () => {
    expect(checkName('Inbound', '/n')).toBe('inbound');
    expect(checkName('Total Ordered', '/n')).toBe('total ordered');
    expectFailure(() => checkName('', '/n'), 'invalid_id', '/n');
    expectFailure(() => checkName('n'.repeat(MAX_NAME_LENGTH + 1), '/n'), 'value_too_long', '/n');
  });

  it.each<[string, string | undefined]>([
    ['Prod-EU_1.a', 'prod-eu_1.a'],
    ['1b3ee7f1-f8c6-4654-b889-dfc0c84faf60', '1b3ee7f1-f8c6-4654-b889-dfc0c84faf60'],
    ['e'.repeat(64), 'e'.repeat(64)],
    ['e'.repeat(65), undefined],
    ['', undefined],
    ['a/b', undefined],
    ['a b', undefined],
    ['a~b', undefined],
  ])('environment id %j normalises to %j', (id, expected) => {
    expect(normalizeEnvironmentId(id)).toBe(expected);
  });
});

describe('partition ids', () => {
  it.each<[string, Parameters<typeof partitionIdOf>, string]>([
    [
      'by location',
      ['byLocation', 'usmf', 'T-shirt', { siteid: '1', locationid: '11', colorid: 'red' }],
      'usmf~1~11',
    ],
    ['by location without site or location', ['byLocation', 'usmf', 'T-shirt', {}], 'usmf~~'],
    ['by product', ['byProduct', 'usmf', 'T-shirt', { siteid: '1', locationid: '11' }], 'usmf~T-shirt'],
    ['with separators escaped', ['byProduct', 'a~b', '50%', {}], 'a%7Eb~50%25'],
  ])('%s', (_name, args, expected) => {
    expect(partitionIdOf(...args)).toBe(expected);
  });

  it('are injective even when parts contain the separator or the escape', () => {
    const ids = [
      partitionIdOf('byProduct', 'a~b', 'c', {}),
      partitionIdOf('byProduct', 'a', 'b~c', {}),
      partitionIdOf('byProduct', 'a%7Eb', 'c', {}),
      partitionIdOf('byLocation', 'a', 'p', { siteid: 'b~c', locationid: 'd' }),
      partitionIdOf('byLocation', 'a', 'p', { siteid: 'b', locationid: 'c~d' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lock keys separate environments, organizations, products and partitions', () => {
    const keys = [
      lockKeyOf('env', 'org', 'p', 'org~1~11'),
      lockKeyOf('env', 'org', 'p', 'org~1~12'),
      lockKeyOf('env', 'org', 'q', 'org~1~11'),
      lockKeyOf('env2', 'org', 'p', 'org~1~11'),
      lockKeyOf('env~org', 'p', 'org~1~11', ''),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(lockKeyOf('env', 'org', 'p', 'org~1~11')).toBe(lockKeyOf('env', 'org', 'p', 'org~1~11'));
  });
});
