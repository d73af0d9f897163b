import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedRecord } from '../../src/store/feed-store.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { AV, ENV, IMPEX } from './oci-helpers.js';

const RES = `/inventory/reservation/v1/organizations/${ENV}`;
const ROUNDS = 6;

/**
 * The reservation guard reads safety stock under the lock of the SKU at the location, which a safety
 * stock change takes too (docs/oci.md, "Reservations"): a safety stock raised while OCI and IV
 * reservations race for the last units is either seen by a reservation or committed after it. Proven
 * on the commit order (the feed): replaying it, no reservation ever took more than on hand less
 * reserved less the safety stock in force when it committed.
 */
describe.each(testBackends())('safety stock changing while reservations race on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    const graph = await h.request('PUT', `${IMPEX}/location-graph`, { locations: ['L1'] });
    expect(graph.statusCode).toBe(200);
  });
  afterAll(async () => {
    await h.close();
  });

  it('never lets a reservation take safety stock that was set before it committed', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sku = `race-${round}`;
      const set = await h.request('POST', `${AV}/availability-records/actions/batch-update`, {
        records: [{ id: `${sku}-on`, sku, location: 'L1', onHand: 10 }],
      });
      expect(set.statusCode).toBe(204);
      // IV's available-to-reserve (default configuration) counts iv.ordered: the same 10 units for IV.
      const supply = await h.request('POST', `/api/environment/${ENV}/onhand`, {
        id: `${sku}-sup`,
        organizationId: 'usmf',
        productId: sku,
        dimensions: { siteId: 'L1', locationId: 'L1' },
        quantities: { iv: { ordered: 10 } },
      });
      expect(supply.statusCode).toBe(200);
      const requests: Promise<unknown>[] = [];
      for (let n = 0; n < 8; n++) {
        requests.push(
          h.request('PUT', `${RES}/reservation-documents/${sku}-oci-${n}`, {
            locations: [{ id: 'L1', reservations: [{ sku, quantity: 1 }] }],
          }),
          h.request('POST', `/api/environment/${ENV}/onhand/reserve`, {
            id: `${sku}-iv-${n}`,
            organizationId: 'usmf',
            productId: sku,
            dimensions: { siteId: 'L1', locationId: 'L1' },
            quantities: { iv: { softreserved: 1 } },
            ifCheckAvailForReserv: true,
          }),
        );
        if (n === 3 - (round % 3))
          requests.push(
            h.request('POST', `${AV}/availability-records/actions/batch-update`, {
              records: [{ id: `${sku}-safety`, sku, location: 'L1', safetyStockCount: 7 }],
            }),
          );
      }
      await Promise.all(requests);
      const entries = await feedOf(h, sku);
      let [reserved, safety, checked] = [0, 0, 0];
      for (const e of entries) {
        if (e.kind === 'oci.safetystock')
          safety = Number((e.request as { rows: { quantity: string }[] }).rows[0]?.quantity);
        const taken = e.changes
          .filter((c) => c.dataSource === 'iv' && c.measure === 'softreserved')
          .reduce((sum, c) => sum + Number(c.delta) / 1_000_000, 0);
        if (taken <= 0) continue;
        checked++;
        reserved += taken;
        expect(reserved, `round ${round}: ${e.kind} at position ${e.position}`).toBeLessThanOrEqual(
          10 - safety,
        );
      }
      expect(safety).toBe(7);
      // Whatever the order, the last units were taken: 3 if the safety stock came first, more otherwise.
      expect(checked).toBeGreaterThanOrEqual(3);
      expect(reserved).toBeLessThanOrEqual(10);
    }
  });
});

/** Every feed entry of the environment that touches the SKU, in commit (position) order. */
async function feedOf(h: Harness, sku: string): Promise<FeedRecord[]> {
  await h.services.store.feed.settleAll(5000);
  const out: FeedRecord[] = [];
  for (let after = 0; ; ) {
    const page = await h.services.store.feed.read(ENV, after, 1000);
    for (const e of page) {
      const rows = (e.request as { rows?: { sku?: string }[] } | null)?.rows;
      if (e.changes.some((c) => c.productId === sku) || rows?.some((r) => r.sku === sku)) out.push(e);
    }
    if (page.length < 1000) return out;
    after = page[page.length - 1]?.position ?? after;
  }
}
