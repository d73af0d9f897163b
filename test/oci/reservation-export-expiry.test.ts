import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { exportOf, ms, RES, today } from './export-helpers.js';
import { ARIZONA, batch, ENV, uploadGraph } from './oci-helpers.js';

/* A reservation that expired, in the OCI reservations export: closed, with the release of its expiry. */

describe.each(testBackends())('an expired OCI reservation in the reservations export on %s', (backend) => {
  let h: Harness;
  let now = Date.now();
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV], clock: () => new Date(now) });
    await uploadGraph(h, ARIZONA);
    expect((await batch(h, [{ id: 'x-1', sku: 'sku9', location: 'surprise', onHand: 4 }])).statusCode).toBe(
      204,
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it('is closed, with what the expiry released', async () => {
    const reserved = await h.request('PUT', `${RES}/reservation-documents/cart-1`, {
      expirationSeconds: 60,
      locations: [{ id: 'surprise', reservations: [{ sku: 'sku9', quantity: 3 }] }],
    });
    expect(reserved.statusCode, reserved.body).toBe(200);
    now += 120_000;
    // The next operation on the SKU at the place releases what has expired first.
    const other = await h.request('PUT', `${RES}/reservation-documents/cart-2`, {
      locations: [{ id: 'surprise', reservations: [{ sku: 'sku9', quantity: 1 }] }],
    });
    expect(other.statusCode, other.body).toBe(200);
    const closed = await exportOf(h, 'reservations', { fromDate: today(), status: 'closed' });
    expect(closed).toEqual([
      {
        reservationId: 'cart-1',
        reservationTime: expect.any(Number),
        reservationState: 'CLOSED',
        reservationDetails: [
          {
            location: 'surprise',
            sku: 'sku9',
            quantity: 3,
            reservationDetailActions: [
              { requestId: 'cart-1', quantity: 3, action: 'Reserved', location: 'surprise', timestamp: ms },
              { requestId: 'cart-1', quantity: 3, action: 'Expired', location: 'surprise', timestamp: ms },
            ],
          },
        ],
      },
    ]);
    const open = await exportOf(h, 'reservations', { fromDate: today(), status: 'open' });
    expect(open.map((d) => d.reservationId)).toEqual(['cart-2']);
  });
});
