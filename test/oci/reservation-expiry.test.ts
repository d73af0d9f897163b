import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ENV, uploadGraph } from './oci-helpers.js';
import { quantities, reserve, SHARED, stock } from './reservation-helpers.js';

/** OCI reservations expire as IV reservations do: by the sweep on time, or before the next check. */
describe.each(testBackends())('OCI reservation expiry on %s', (backend) => {
  let now = new Date('2026-01-01T00:00:00Z');
  let h: Harness;
  const advance = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV], clock: () => now });
    await uploadGraph(h, SHARED);
    await stock(h, 'sku-x', { L1: 4, L2: 4, L4: 4 }, 'x');
  });
  afterAll(async () => {
    await h.close();
  });

  it('the sweep releases location and group holds once expirationSeconds have passed', async () => {
    const r = await reserve(h, 'exp-1', {
      expirationSeconds: 60,
      locations: [{ id: 'L4', reservations: [{ sku: 'sku-x', quantity: 3 }] }],
      groups: [{ id: 'GA', reservations: [{ sku: 'sku-x', quantity: 5 }] }],
    });
    expect(r.body).toMatchObject({ success: true, expirationTime: '2026-01-01T00:01:00.000Z' });
    advance(59);
    await h.services.engine.reservations.expireDue();
    expect(await quantities(h, 'sku-x', 'locations', 'L4')).toMatchObject({ reserved: 3 });
    expect(await quantities(h, 'sku-x', 'groups', 'GA')).toMatchObject({ groupReserved: 5 });
    advance(1);
    await h.services.engine.reservations.expireDue();
    expect(await quantities(h, 'sku-x', 'locations', 'L4')).toMatchObject({ reserved: 0, atf: 4 });
    expect(await quantities(h, 'sku-x', 'groups', 'GA')).toMatchObject({ groupReserved: 0, atf: 8 });
  });

  it('a reservation due but not yet swept does not block the next one', async () => {
    await reserve(h, 'exp-2', {
      expirationSeconds: 10,
      groups: [{ id: 'GA', reservations: [{ sku: 'sku-x', quantity: 8 }] }],
    });
    advance(11);
    const next = await reserve(h, 'exp-3', {
      allowPartialReservations: false,
      groups: [{ id: 'GA', reservations: [{ sku: 'sku-x', quantity: 8 }] }],
    });
    expect(next.body).toMatchObject({ success: true });
    expect(await quantities(h, 'sku-x', 'groups', 'GA')).toMatchObject({ groupReserved: 8, atf: 0 });
  });
});
