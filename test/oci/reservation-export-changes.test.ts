import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { exportOf } from './export-helpers.js';
import { ARIZONA, availability, batch, ENV, recordsOf, uploadGraph } from './oci-helpers.js';

const RES = `/inventory/reservation/v1/organizations/${ENV}`;
const today = () => new Date().toISOString().slice(0, 10);
const ms = expect.stringMatching(/^\d{13}$/);

/**
 * The reservations export (spec §4.6) shows what changed a reservation besides the OCI reservation
 * API: Connect updates (raises and cuts) and IV unreserves of its holds (docs/oci.md).
 */
describe.each(testBackends())('OCI reservations export of updates and IV unreserves on %s', (backend) => {
  let h: Harness;
  const atWarehouse = async () =>
    recordsOf(
      (await availability(h, { skus: ['sku9'], locations: ['warehouse5'] })).body,
      'locations',
      'warehouse5',
    )[0];
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, ARIZONA);
    expect(
      (await batch(h, [{ id: 'w-1', sku: 'sku9', location: 'warehouse5', onHand: 20 }])).statusCode,
    ).toBe(204);
  });
  afterAll(() => h.close());

  it('shows an update raise as Reserved and a cut as Released on the line', async () => {
    const put = await h.request('PUT', `${RES}/reservation-documents/doc-u`, {
      locations: [{ id: 'warehouse5', reservations: [{ sku: 'sku9', quantity: 2 }] }],
    });
    expect(put.statusCode, put.body).toBe(200);
    const updates = h.services.engine.oci.reservationUpdates;
    const line = (quantity: number) => ({ records: [{ location: 'warehouse5', sku: 'sku9', quantity }] });
    expect((await updates.update(ENV, 'doc-u', 'up-1', line(5))).details[0]).toMatchObject({ adjustment: 3 });
    expect((await updates.update(ENV, 'doc-u', 'up-2', line(4))).details[0]).toMatchObject({
      adjustment: -1,
    });
    expect(await atWarehouse()).toMatchObject({ reserved: 4 });
    const open = await exportOf(h, 'reservations', { fromDate: today(), status: 'open' });
    expect(open).toEqual([
      {
        reservationId: 'doc-u',
        reservationTime: expect.any(Number),
        reservationState: 'OPEN',
        reservationDetails: [
          {
            location: 'warehouse5',
            sku: 'sku9',
            quantity: 5,
            reservationDetailActions: [
              { requestId: 'doc-u', quantity: 2, action: 'Reserved', location: 'warehouse5', timestamp: ms },
              { requestId: 'up-1', quantity: 3, action: 'Reserved', location: 'warehouse5', timestamp: ms },
              { requestId: 'up-2', quantity: 1, action: 'Released', location: 'warehouse5', timestamp: ms },
            ],
          },
        ],
      },
    ]);
  });

  it('shows an IV unreserve of an OCI hold as Released, and the document closes once nothing is held', async () => {
    // The holds of doc-u: oci~doc-u~0 (2, then cut to 1) and oci~doc-u~u1~0 (3), IV records at warehouse5.
    const unreserve = (id: string, reservationId: string, quantity: number) =>
      h.request('POST', `/api/environment/${ENV}/onhand/unreserve`, {
        id,
        organizationId: 'usmf',
        productId: 'sku9',
        reservationId,
        OffsetQty: quantity,
      });
    const first = await unreserve('iv-u1', 'oci~doc-u~u1~0', 3);
    expect(first.statusCode, first.body).toBe(200);
    expect(await atWarehouse()).toMatchObject({ reserved: 1 });
    let open = await exportOf(h, 'reservations', { fromDate: today(), status: 'open' });
    type Doc = { reservationDetails: { reservationDetailActions: Record<string, unknown>[] }[] };
    expect((open[0] as Doc).reservationDetails[0]?.reservationDetailActions.at(-1)).toEqual({
      requestId: 'iv-u1',
      quantity: 3,
      action: 'Released',
      location: 'warehouse5',
      timestamp: ms,
    });
    // More than is held: only what was left (1) is released.
    expect((await unreserve('iv-u2', 'oci~doc-u~0', 5)).statusCode).toBe(200);
    open = await exportOf(h, 'reservations', { fromDate: today(), status: 'open' });
    expect(open).toEqual([]);
    const closed = await exportOf(h, 'reservations', { fromDate: today(), status: 'closed' });
    const actions = (closed[0] as Doc).reservationDetails[0]?.reservationDetailActions ?? [];
    expect(actions.map((a) => [a.requestId, a.action, a.quantity])).toEqual([
      ['doc-u', 'Reserved', 2],
      ['up-1', 'Reserved', 3],
      ['up-2', 'Released', 1],
      ['iv-u1', 'Released', 3],
      ['iv-u2', 'Released', 1],
    ]);
  });

  it('splits an IV release at the place (a negative reserve) over the holds it took from', async () => {
    for (const id of ['doc-v', 'doc-w'])
      expect(
        (
          await h.request('PUT', `${RES}/reservation-documents/${id}`, {
            locations: [{ id: 'warehouse5', reservations: [{ sku: 'sku9', quantity: 2 }] }],
          })
        ).statusCode,
      ).toBe(200);
    const release = await h.request('POST', `/api/environment/${ENV}/onhand/reserve`, {
      id: 'iv-release-1',
      organizationId: 'usmf',
      productId: 'sku9',
      dimensions: { siteId: 'warehouse5', locationId: 'warehouse5' },
      quantityDataSource: 'iv',
      modifier: 'softreserved',
      quantity: -3,
      ifCheckAvailForReserv: false,
    });
    expect(release.statusCode, release.body).toBe(200);
    expect(await atWarehouse()).toMatchObject({ reserved: 1 });
    type Doc = {
      reservationId: string;
      reservationDetails: { reservationDetailActions: Record<string, unknown>[] }[];
    };
    const closed = (await exportOf(h, 'reservations', { fromDate: today(), status: 'closed' })) as Doc[];
    const open = (await exportOf(h, 'reservations', { fromDate: today(), status: 'open' })) as Doc[];
    const last = (d: Doc | undefined) => d?.reservationDetails[0]?.reservationDetailActions.at(-1);
    // The oldest hold first: doc-v gives its 2 (closed), doc-w 1 of its 2 (open).
    expect(last(closed.find((d) => d.reservationId === 'doc-v'))).toMatchObject({
      requestId: 'iv-release-1',
      action: 'Released',
      quantity: 2,
    });
    expect(open.map((d) => d.reservationId)).toEqual(['doc-w']);
    expect(last(open[0])).toMatchObject({ requestId: 'iv-release-1', action: 'Released', quantity: 1 });
  });
});
