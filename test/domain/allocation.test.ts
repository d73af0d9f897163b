import { describe, expect, it } from 'vitest';
import { allocationFormula, signInFormula } from '../../src/domain/allocation/allocation-formula.js';
import {
  allocationLevels,
  groupDimensions,
  isUnder,
  namedGroups,
  parseGroupPath,
  splitGroupDimensions,
} from '../../src/domain/allocation/allocation-groups.js';
import { parseAllocationQuery } from '../../src/domain/allocation/allocation-query.js';
import { allocationRecords } from '../../src/domain/allocation/allocation-records.js';
import type { ErrorCode } from '../../src/domain/codes.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import { BY_LOCATION, compiledWith, expectFailure } from './helpers.js';

/* Allocation groups, the available-to-allocate formula and the records an allocation query reads. */

describe('allocation groups', () => {
  it('orders the configured groups by level', () => {
    expect(allocationLevels(BY_LOCATION)).toEqual(['channel', 'customerGroup', 'region', 'orderType']);
    const shuffled = compiledWith((c) => {
      c.allocationConfiguration.groups = ['b', 'a'];
      c.allocationConfiguration.groupsOrder = { a: 'g0', b: 'g1' };
    });
    expect(allocationLevels(shuffled)).toEqual(['a', 'b']);
  });

  it.each([
    [{ channel: 'web' }, ['web']],
    [{ Channel: 'web', CUSTOMERGROUP: 'VIP' }, ['web', 'VIP']],
    [{ region: 'EU', channel: 'web', customerGroup: 'VIP' }, ['web', 'VIP', 'EU']],
    [{}, []],
  ])('reads %j as the path %j', (groups, path) => {
    expect(parseGroupPath(BY_LOCATION, groups, '/groups', false)).toEqual(path);
  });

  it.each<[Record<string, string>, boolean, ErrorCode, string]>([
    [{ shelf: 'x' }, false, 'unknown_allocation_group', '/groups/shelf'],
    [{ g0: 'x' }, false, 'unknown_allocation_group', '/groups/g0'],
    [{ customerGroup: 'VIP' }, false, 'allocation_group_gap', '/groups'],
    [{ channel: 'web', region: 'EU' }, false, 'allocation_group_gap', '/groups'],
    [{ channel: '' }, false, 'invalid_allocation_group_value', '/groups/channel'],
    [{ channel: 'a', Channel: 'b' }, false, 'invalid_request', '/groups/Channel'],
    [{}, true, 'missing_allocation_groups', '/groups'],
    [{ channel: 'x'.repeat(257) }, false, 'value_too_long', '/groups/channel'],
  ])('refuses %j (required %s) with %s', (groups, required, code, path) => {
    expectFailure(() => parseGroupPath(BY_LOCATION, groups, '/groups', required), code, path);
  });

  it('keeps group values in level dimensions that round-trip', () => {
    const dims = { locationid: '11', siteid: '1' };
    const rowDims = groupDimensions(dims, ['web', 'VIP']);
    expect(rowDims).toEqual({ '@g0': 'web', '@g1': 'VIP', locationid: '11', siteid: '1' });
    expect(Object.keys(rowDims)).toEqual(['@g0', '@g1', 'locationid', 'siteid']);
    expect(splitGroupDimensions(rowDims)).toEqual({ dimensions: dims, groups: ['web', 'VIP'] });
  });

  it.each([
    [['web', 'VIP'], [], true],
    [['web', 'VIP'], ['web'], true],
    [['web', 'VIP'], ['web', 'VIP'], true],
    [['web'], ['web', 'VIP'], false],
    [['web', 'VIP'], ['stores'], false],
  ])('%j is under %j: %s', (path, prefix, under) => {
    expect(isUnder(path, prefix)).toBe(under);
  });

  it('names levels with the current group names, and unnamed levels g<n>', () => {
    expect(namedGroups(BY_LOCATION, ['web', 'VIP'])).toEqual({ channel: 'web', customerGroup: 'VIP' });
    expect(namedGroups(BY_LOCATION, ['a', 'b', 'c', 'd', 'e'])).toMatchObject({ g4: 'e' });
  });
});

describe('available-to-allocate formula', () => {
  it('is the availableToAllocateCalculation of the configuration', () => {
    const formula = allocationFormula(BY_LOCATION, '');
    expect(signInFormula(formula, 'pos', 'inbound')).toBe(1);
    expect(signInFormula(formula, '@iv', '@allocated')).toBe(-1);
    expect(signInFormula(formula, 'iom', 'onhand')).toBe(0);
  });

  it.each([
    [
      'allocation switched off',
      (c: RuntimeConfiguration) => {
        c.allocationConfiguration.isEnabled = false;
      },
    ],
    [
      'a formula without @iv.@allocated',
      (c: RuntimeConfiguration) => {
        c.allocationConfiguration.availableToAllocateCalculation = { 'pos.inbound': 'addition' };
      },
    ],
  ])('answers allocation_disabled for %s', (_name, edit) => {
    expectFailure(() => allocationFormula(compiledWith(edit), '/0'), 'allocation_disabled', '/0');
  });
});

describe('allocationRecords', () => {
  const query = parseAllocationQuery(BY_LOCATION, {
    organizationId: 'usmf',
    productId: 'Bike',
    dimensions: { siteId: '1', locationId: '11' },
    groups: { channel: 'web' },
  });
  const row = (dims: Record<string, string>, measure: string, quantity: bigint, productId = 'Bike') => ({
    organizationId: 'usmf',
    productId,
    dimensions: { locationid: '11', siteid: '1', ...dims },
    dataSource: '@allocation',
    measure,
    quantity,
  });

  it('sums each group path under the queried one at exactly the queried dimensions', () => {
    const records = allocationRecords(BY_LOCATION, query, [
      row({ '@g0': 'web', '@g1': 'VIP' }, '@allocated', 3_000_000n),
      row({ '@g0': 'web', '@g1': 'VIP' }, '@consumed', 2_000_000n),
      row({ '@g0': 'web' }, '@allocated', 1_000_000n),
      row({ '@g0': 'stores' }, '@allocated', 9_000_000n),
      row({ '@g0': 'web', colorid: 'red' }, '@allocated', 9_000_000n),
      row({ '@g0': 'web' }, '@allocated', 9_000_000n, 'Other'),
      { ...row({}, '@allocated', 9_000_000n), dataSource: '@iv' },
    ]);
    expect(records.map((r) => [r.groups, r.allocated, r.consumed, r.remaining])).toEqual([
      [{ channel: 'web' }, 1_000_000n, 0n, 1_000_000n],
      [{ channel: 'web', customerGroup: 'VIP' }, 5_000_000n, 2_000_000n, 3_000_000n],
    ]);
    expect(records[1]?.quantities['@iv']).toEqual({
      '@allocated': 3_000_000n,
      '@consumed': 2_000_000n,
      '@cumulative_allocated': 0n,
      '@cumulative_consumed': 0n,
    });
  });
});
