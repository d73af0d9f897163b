import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { expectStoreEqualsLedgerReplay } from '../support/reservation-helpers.js';
import { AV, ENV, uploadGraph } from './oci-helpers.js';
import { SHARED } from './reservation-helpers.js';

/*
 * The OCI graph check made before every IV reservation (engine/oci/oci-iv-guard.ts) is one read per
 * environment for the reservations that ask in the same turn of the event loop (shared-lookup.ts): a
 * bulk of reservations reads the graph once, and a graph uploaded after them holds the next reservation.
 */
describe.each(testBackends())('the OCI graph check of reservations asking together, on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
  });
  afterAll(() => h.close());

  const item = (id: string, quantity: number) => ({
    id,
    organizationId: 'usmf',
    productId: 'sku-s',
    dimensions: { siteId: 'L1', locationId: 'L1' },
    quantities: { iv: { softreserved: quantity } },
    ifCheckAvailForReserv: true,
  });
  const reserve = (id: string, quantity: number) =>
    h.request('POST', `/api/environment/${ENV}/onhand/reserve`, item(id, quantity));

  it('reads the graph once for a bulk, and the reservation after an upload sees the graph', async () => {
    const oci = h.services.store.oci;
    const original = oci.getGraph.bind(oci);
    let reads = 0;
    oci.getGraph = (environmentId) => {
      reads++;
      return original(environmentId);
    };
    try {
      // The default configuration's available-to-reserve counts iv.ordered as supply.
      const supply = await h.request('POST', `/api/environment/${ENV}/onhand`, {
        id: 'sup-s',
        organizationId: 'usmf',
        productId: 'sku-s',
        dimensions: { siteId: 'L1', locationId: 'L1' },
        quantities: { iv: { ordered: 10 } },
      });
      expect(supply.statusCode, supply.body).toBe(200);

      reads = 0;
      const bulk = await h.request(
        'POST',
        `/api/environment/${ENV}/onhand/reserve/bulk`,
        Array.from({ length: 8 }, (_, i) => item(`bulk-${i}`, 1)),
      );
      expect(bulk.statusCode, bulk.body).toBe(200);
      expect(bulk.json().success).toHaveLength(8);
      expect(reads).toBe(1);

      // Now a graph with L1 and one unit of safety stock there: 10 − 8 reserved − 1 held = 1 left.
      await uploadGraph(h, SHARED);
      const set = await h.request('POST', `${AV}/availability-records/actions/batch-update`, {
        records: [{ id: 's-1', sku: 'sku-s', location: 'L1', onHand: 10, safetyStockCount: 1 }],
      });
      expect(set.statusCode, set.body).toBe(204);
      const refused = await reserve('after-upload-2', 2);
      expect([refused.statusCode, refused.json().code]).toEqual([409, 'insufficient_availability']);
      expect((await reserve('after-upload-1', 1)).statusCode).toBe(200);
      expect((await reserve('after-upload-3', 1)).statusCode).toBe(409);
    } finally {
      oci.getGraph = original;
    }
    await expectStoreEqualsLedgerReplay(h, ENV);
  });
});
