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

  it('reads the safety stock it deletes with its own transaction, never through the store beside it', async () => {
    const store = h.services.store;
    const written = await batch(h, [
      { id: 'c-4', sku: 'sku555', location: 'surprise', onHand: 2, safetyStockCount: 1 },
    ]);
    expect(written.statusCode).toBe(204);
    const original = store.transaction;
    const { getGraph, listSafetyStock } = store.oci;
    const poolReads: string[] = [];
    // While the clean-up's transaction runs, a read of the graph or the safety stock through the store
    // (on PostgreSQL a second pool connection, on SQLite the reader's snapshot) is recorded and refused.
    store.transaction = (async (keys: readonly string[], work: (tx: never) => Promise<unknown>) => {
      if (!keys.some((k) => k.includes('~partition~'))) return original.call(store, keys, work as never);
      return original.call(store, keys, (async (tx: never) => {
        store.oci.getGraph = async () => {
          poolReads.push('getGraph');
          throw new Error('the graph was read through the store inside the clean-up transaction');
        };
        store.oci.listSafetyStock = async () => {
          poolReads.push('listSafetyStock');
          throw new Error('safety stock was read through the store inside the clean-up transaction');
        };
        try {
          return await work(tx);
        } finally {
          store.oci.getGraph = getGraph;
          store.oci.listSafetyStock = listSafetyStock;
        }
      }) as never);
    }) as typeof store.transaction;
    try {
      const cleaned = await h.request('DELETE', `/api/environment/${ENV}/partitions/cleanupalldata`, [
        'usmf~surprise~surprise',
      ]);
      expect(cleaned.statusCode, cleaned.body).toBe(200);
    } finally {
      store.transaction = original;
    }
    expect(poolReads).toEqual([]);
    expect(await store.oci.listSafetyStock(ENV)).toEqual([]);
  });

  it("sees its transaction's own safety stock and graph, which the store does not see before the commit", async () => {
    const store = h.services.store;
    const graph = await store.oci.getGraph(ENV);
    const row = { locationId: 'surprise', sku: 'sku556', quantity: 4_000_000n };
    const rollback = new Error('roll back');
    const seen = await store
      .transaction([`${ENV}~test~tx-reads`], async (tx) => {
        await tx.oci.setSafetyStock(ENV, [row], new Date().toISOString());
        const inside = {
          tx: await tx.oci.listSafetyStock(ENV),
          store: await store.oci.listSafetyStock(ENV),
          graph: await tx.oci.getGraph(ENV),
        };
        throw Object.assign(rollback, { inside });
      })
      .catch((error: unknown) => (error === rollback ? rollback : Promise.reject(error)));
    const inside = (seen as Error & { inside: Record<string, unknown> }).inside;
    expect(inside.tx).toEqual([row]);
    expect(inside.store).toEqual([]);
    expect(inside.graph).toEqual(graph);
    expect(await store.oci.listSafetyStock(ENV)).toEqual([]);
  });
});
