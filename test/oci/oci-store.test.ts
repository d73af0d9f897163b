import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocationGraph } from '../../src/domain/oci/location-graph.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';

describe.each(testBackends())('the OCI store on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: ['a', 'b'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('replaces a graph only at the version read: of two racing replacements exactly one wins', async () => {
    const store = h.services.store.oci;
    const one = parseLocationGraph({
      locations: ['l1', 'l2'],
      groups: [{ id: 'g1', locations: ['l2', 'l1'] }],
    });
    const two = parseLocationGraph({
      ivOrganizationId: 'contoso',
      locations: ['l3', { id: 'l4', iv: { organizationId: 'usmf', siteId: '1', locationId: '11' } }],
    });
    const results = await Promise.all([
      store.replaceGraph('a', one, 0, '2026-01-01T00:00:00.000Z'),
      store.replaceGraph('a', two, 0, '2026-01-01T00:00:01.000Z'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const saved = await store.getGraph('a');
    expect(saved?.version).toBe(1);
    expect(saved?.graph).toEqual(results[0] ? one : two);
    expect(await store.replaceGraph('a', two, 0, '2026-01-01T00:00:02.000Z')).toBe(false);
    expect(await store.replaceGraph('a', two, 1, '2026-01-01T00:00:02.000Z')).toBe(true);
    expect((await store.getGraph('a'))?.graph).toEqual(two);
    expect(await store.getGraph('b')).toBeUndefined();
  });

  it('keeps safety stock exactly per environment, location and SKU; 0 deletes', async () => {
    const store = h.services.store.oci;
    await store.setSafetyStock(
      'a',
      [
        { locationId: 'l1', sku: 's1', quantity: 1_500_000n },
        { locationId: 'l1', sku: 's2', quantity: 9_000_000_000_000_000_000n / 1000n },
      ],
      '2026-01-01T00:00:00.000Z',
    );
    await store.setSafetyStock(
      'b',
      [{ locationId: 'l1', sku: 's1', quantity: 7n }],
      '2026-01-01T00:00:00.000Z',
    );
    const read = await store.readSafetyStock('a', ['s1', 's2', 's3'], ['l1', 'l2']);
    expect(read.sort((x, y) => x.sku.localeCompare(y.sku))).toEqual([
      { locationId: 'l1', sku: 's1', quantity: 1_500_000n },
      { locationId: 'l1', sku: 's2', quantity: 9_000_000_000_000_000n },
    ]);
    await store.setSafetyStock(
      'a',
      [{ locationId: 'l1', sku: 's1', quantity: 0n }],
      '2026-01-01T00:00:00.000Z',
    );
    expect(await store.readSafetyStock('a', ['s1'], ['l1'])).toEqual([]);
    expect(await store.readSafetyStock('b', ['s1'], ['l1'])).toEqual([
      { locationId: 'l1', sku: 's1', quantity: 7n },
    ]);
  });

  it('keeps the first outcome of a record id with its SKU', async () => {
    const store = h.services.store.oci;
    const outcome = {
      recordId: 'r1',
      sku: 's1',
      locationId: 'l1',
      hash: 'h1',
      outcome: 'null',
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    expect(await store.saveRecordOutcome('a', outcome)).toBe(true);
    expect(await store.saveRecordOutcome('a', { ...outcome, hash: 'h2', locationId: 'l2' })).toBe(false);
    expect(await store.getRecordOutcome('a', 'r1', 's1')).toEqual(outcome);
    expect(await store.getRecordOutcome('a', 'r1', 's2')).toBeUndefined();
    expect(await store.getRecordOutcome('b', 'r1', 's1')).toBeUndefined();
  });

  it('adds and removes product segmentation exclusions', async () => {
    const store = h.services.store.oci;
    await store.changeExclusions('a', [
      { groupId: 'g1', sku: 's1', excluded: true },
      { groupId: 'g1', sku: 's2', excluded: true },
      { groupId: 'g1', sku: 's2', excluded: false },
    ]);
    expect(await store.readExclusions('a', ['g1', 'g2'], ['s1', 's2'])).toEqual([
      { groupId: 'g1', sku: 's1' },
    ]);
    expect(await store.readExclusions('b', ['g1'], ['s1'])).toEqual([]);
  });
});
