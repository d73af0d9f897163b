import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { expectStoreEqualsLedgerReplay } from '../support/reservation-helpers.js';
import { AV, ENV, uploadGraph } from './oci-helpers.js';
import { cancel, quantities, reserve, SHARED, stock } from './reservation-helpers.js';

/** The engine's guard across the APIs, and the graph upload against group reservations. */

describe.each(testBackends())('IV reservations at OCI locations on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV, 'plain'] });
    await uploadGraph(h, SHARED);
  });
  afterAll(async () => {
    await h.close();
  });
  const ivReserve = (environment: string, id: string, site: string, quantity: number) =>
    h.request('POST', `/api/environment/${environment}/onhand/reserve`, {
      id,
      organizationId: 'usmf',
      productId: 'sku-g',
      dimensions: { siteId: site, locationId: site },
      quantities: { iv: { softreserved: quantity } },
      ifCheckAvailForReserv: true,
    });

  const supply = (environment: string, id: string) =>
    h.request('POST', `/api/environment/${environment}/onhand`, {
      id,
      organizationId: 'usmf',
      productId: 'sku-g',
      dimensions: { siteId: 'L1', locationId: 'L1' },
      quantities: { iv: { ordered: 10 } },
    });

  it('cannot take stock promised to a group or held as OCI safety stock', async () => {
    const set = await h.request('POST', `${AV}/availability-records/actions/batch-update`, {
      records: [{ id: 'g-1', sku: 'sku-g', location: 'L1', onHand: 10, safetyStockCount: 1 }],
    });
    expect(set.statusCode).toBe(204);
    // The default configuration's available-to-reserve counts iv.ordered (not iom.onhand) as supply.
    expect((await supply(ENV, 'sup-g')).statusCode).toBe(200);
    const r = await reserve(h, 'res-g', {
      groups: [{ id: 'GA', reservations: [{ sku: 'sku-g', quantity: 6 }] }],
    });
    expect(r.body).toMatchObject({ success: true, groups: [{ details: [{ quantity: 6 }] }] });
    // 10 on hand − 1 safety − 6 promised to GA at L1 (least shared) = 3 for IV.
    const refused = await ivReserve(ENV, 'iv-g1', 'L1', 4);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'insufficient_availability']);
    expect((await ivReserve(ENV, 'iv-g2', 'L1', 3)).statusCode).toBe(200);
    // And the IV reservation counts as OCI reserved: nothing left for OCI either.
    expect(await quantities(h, 'sku-g', 'locations', 'L1')).toMatchObject({
      onHand: 10,
      reserved: 3,
      atf: 6,
    });
    const more = await reserve(h, 'res-g2', {
      locations: [{ id: 'L1', reservations: [{ sku: 'sku-g', quantity: 1 }] }],
    });
    expect(more.body).toMatchObject({ success: false });
    // Everything OCI stored is in the ledger: a replay gives the same stock rows.
    await expectStoreEqualsLedgerReplay(h, ENV);
  });

  it('an allocation cannot take stock promised to a group either', async () => {
    const set = await h.request('POST', `${AV}/availability-records/actions/batch-update`, {
      records: [{ id: 'a-1', sku: 'sku-a', location: 'L1', onHand: 10 }],
    });
    expect(set.statusCode).toBe(204);
    const sup = await h.request('POST', `/api/environment/${ENV}/onhand`, {
      id: 'sup-a',
      organizationId: 'usmf',
      productId: 'sku-a',
      dimensions: { siteId: 'L1', locationId: 'L1' },
      quantities: { iv: { ordered: 10 } },
    });
    expect(sup.statusCode).toBe(200);
    await reserve(h, 'res-al', { groups: [{ id: 'GA', reservations: [{ sku: 'sku-a', quantity: 6 }] }] });
    const allocate = (id: string, quantity: number) =>
      h.request('POST', `/api/environment/${ENV}/allocation/allocate`, {
        id,
        organizationId: 'usmf',
        productId: 'sku-a',
        dimensions: { siteId: 'L1', locationId: 'L1' },
        groups: { channel: 'web' },
        quantity,
      });
    const refused = await allocate('al-1', 5);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'insufficient_available_to_allocate']);
    expect((await allocate('al-2', 4)).statusCode).toBe(200);
  });

  it('an environment without an OCI graph checks as before', async () => {
    expect((await supply('plain', 'sup-p')).statusCode).toBe(200);
    expect((await ivReserve('plain', 'iv-p1', 'L1', 10)).statusCode).toBe(200);
    expect((await ivReserve('plain', 'iv-p2', 'L1', 1)).statusCode).toBe(409);
  });
});

describe.each(testBackends())('a graph upload and group reservations on %s', (backend) => {
  it('refuses to drop a group while it holds a lock, racing or not; accepts once released', async () => {
    const h = await startHarness({ backend, environments: [ENV] });
    try {
      await uploadGraph(h, SHARED);
      await stock(h, 'sku-h', { L1: 50, L2: 50 }, 'h');
      const withoutGA = { locations: SHARED.locations, groups: [SHARED.groups[1]] };
      const graph = (body: unknown) =>
        h.request('PUT', `/inventory/impex/v1/organizations/${ENV}/location-graph`, body);
      // Sent together: either the reservation commits first and the upload is refused, or the upload
      // commits first and the reservation finds no group GA (400 GroupDoesNotExist).
      const [held, upload] = await Promise.all([
        reserve(h, 'res-h', { groups: [{ id: 'GA', reservations: [{ sku: 'sku-h', quantity: 3 }] }] }),
        graph(withoutGA),
      ]);
      if (held.status === 200) {
        expect([upload.statusCode, upload.json().errorCode]).toEqual([409, 'IllegalGroupState']);
        expect((await cancel(h, 'res-h')).status).toBe(204);
        expect((await graph(withoutGA)).statusCode).toBe(200);
      } else {
        expect([held.status, held.body.errorCode, upload.statusCode]).toEqual([
          400,
          'GroupDoesNotExist',
          200,
        ]);
      }
    } finally {
      await h.close();
    }
  });
});
