import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ARIZONA, availability, batch, ENV, recordsOf, uploadGraph } from './oci-helpers.js';

/**
 * A partition clean-up deletes the OCI safety stock that lives in the partition (the SKU at the IV
 * place of an OCI location) with its stock, recorded as oci.safetystock entries in the same
 * transaction; other partitions' safety stock, the graph and segmentation stay (docs/oci.md).
 */
describe.each(testBackends())('OCI data in a partition clean-up on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, ARIZONA);
    const written = await batch(h, [
      { id: 'c-1', sku: 'sku123', location: 'surprise', onHand: 5, safetyStockCount: 2 },
      { id: 'c-2', sku: 'sku123', location: 'wickenburg', onHand: 4, safetyStockCount: 1 },
    ]);
    expect(written.statusCode).toBe(204);
  });
  afterAll(async () => {
    await h.close();
  });

  it('deletes the safety stock of the partitions cleaned, and only theirs', async () => {
    const ids = (await h.request('GET', `/api/environment/${ENV}/allpartitionids`)).json() as string[];
    expect(ids).toContain('usmf~surprise~surprise');
    const before = (await h.services.store.feed.settleAll(5000)) ?? 0;
    const cleaned = await h.request('DELETE', `/api/environment/${ENV}/partitions/cleanupalldata`, [
      'usmf~surprise~surprise',
    ]);
    expect(cleaned.statusCode, cleaned.body).toBe(200);
    expect(await h.services.store.oci.listSafetyStock(ENV)).toEqual([
      { locationId: 'wickenburg', sku: 'sku123', quantity: 1_000_000n },
    ]);
    const answer = await availability(h, { skus: ['sku123'], locations: ['surprise', 'wickenburg'] });
    expect(recordsOf(answer.body, 'locations', 'surprise')[0]).toMatchObject({
      onHand: 0,
      safetyStockCount: 0,
    });
    expect(recordsOf(answer.body, 'locations', 'wickenburg')[0]).toMatchObject({
      onHand: 4,
      safetyStockCount: 1,
    });
    // In the feed with the clean-up: get-deltas and other followers see the safety stock go.
    await h.services.store.feed.settleAll(5000);
    const entries = await h.services.store.feed.read(ENV, before, 100);
    expect(entries.map((e) => [e.kind, e.partitionId])).toEqual([
      ['partition.cleanup', 'usmf~surprise~surprise'],
      ['oci.safetystock', 'usmf~surprise~surprise'],
    ]);
    expect(entries[1]?.request).toEqual({ rows: [{ locationId: 'surprise', sku: 'sku123', quantity: '0' }] });
    // The graph stays.
    const graph = await h.request('GET', `/inventory/impex/v1/organizations/${ENV}/location-graph`);
    expect(graph.json()).toMatchObject({ version: 1 });
  });

  it('deletes safety stock set between its first read and its transaction (a SKU it had not locked)', async () => {
    const store = h.services.store;
    const original = store.transaction;
    let interposed = false;
    // Just before the clean-up's transaction starts (after it read the safety stock to find its keys), an
    // OCI record sets the safety stock of a SKU the partition holds nothing else of.
    store.transaction = (async (keys: readonly string[], work: never) => {
      if (!interposed && keys.some((k) => k.includes('~partition~'))) {
        interposed = true;
        const written = await batch(h, [
          { id: 'c-3', sku: 'sku777', location: 'wickenburg', safetyStockCount: 3 },
        ]);
        expect(written.statusCode).toBe(204);
      }
      return original.call(store, keys, work);
    }) as typeof store.transaction;
    try {
      const cleaned = await h.request('DELETE', `/api/environment/${ENV}/partitions/cleanupalldata`, [
        'usmf~wickenburg~wickenburg',
      ]);
      expect(cleaned.statusCode, cleaned.body).toBe(200);
    } finally {
      store.transaction = original;
    }
    expect(interposed).toBe(true);
    expect(await store.oci.listSafetyStock(ENV)).toEqual([]);
  });
});
