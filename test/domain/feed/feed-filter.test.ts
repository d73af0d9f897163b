import { describe, expect, it } from 'vitest';
import { mayPass, NO_FILTER, passes, passesAllScopes } from '../../../src/domain/feed/feed-filter.js';

/** mayPass: a filter's verdict before an entry's availability is known (the feed hub annotates by it). */
describe('a feed filter before availability', () => {
  const change = (productId: string, siteid = '1', locationid = '11') => ({
    productId,
    dimensions: { siteid, locationid },
  });
  const entry = (kind: string, ...changes: ReturnType<typeof change>[]) => ({
    kind,
    changes,
    availability: [],
  });
  const below5 = {
    ...NO_FILTER,
    productIds: ['P'],
    threshold: {
      dataSource: 'iv',
      measure: 'availabletoreserve',
      direction: 'below' as const,
      value: 5_000_000n,
    },
  };

  it('lets through what passes the products, sites, locations and kinds, whatever the threshold', () => {
    expect(
      mayPass({ ...NO_FILTER, productIds: ['P'] }, entry('onhand.change', change('Q'), change('P'))),
    ).toBe(true);
    expect(mayPass({ ...NO_FILTER, productIds: ['P'] }, entry('onhand.change', change('Q')))).toBe(false);
    expect(mayPass({ ...NO_FILTER, siteIds: ['2'] }, entry('onhand.change', change('P', '1')))).toBe(false);
    expect(mayPass({ ...NO_FILTER, kinds: ['onhand.set'] }, entry('onhand.change', change('P')))).toBe(false);
    // Entries about the whole environment pass every product filter.
    expect(mayPass({ ...NO_FILTER, productIds: ['P'] }, entry('configuration.updated'))).toBe(true);
    expect(mayPass({ ...NO_FILTER, productIds: ['P'] }, entry('oci.graph'))).toBe(true);
    // A threshold is told only with the availability: mayPass lets the entry through, passes does not.
    expect(mayPass(below5, entry('onhand.change', change('P')))).toBe(true);
    expect(passes(below5, entry('onhand.change', change('P')))).toBe(false);
  });

  it('knows a filter that lets every entry through but for its threshold', () => {
    expect(passesAllScopes(NO_FILTER)).toBe(true);
    expect(passesAllScopes({ ...below5, productIds: [] })).toBe(true);
    expect(passesAllScopes(below5)).toBe(false);
    expect(passesAllScopes({ ...NO_FILTER, kinds: ['onhand.change'] })).toBe(false);
    expect(passesAllScopes({ ...NO_FILTER, locationIds: ['11'] })).toBe(false);
  });
});
