import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ORG, type ReservationJson, reserveBody, stockBody } from '../support/reservation-helpers.js';

/*
 * A reservation read by id is its record and its ledger entries, two reads: a release that commits
 * between them must not pair the record before it with the history after it
 * (engine/reservations/reservation-history.ts). The interleaving is forced: the first history read of
 * the reservation waits for a real unreserve to commit first.
 */
describe.each(testBackends())('a reservation read while it changes, on %s', (backend) => {
  let h: Harness;
  const ENV = '/api/environment/test';
  beforeAll(async () => {
    h = await startHarness({ backend, environments: ['test'] });
  });
  afterAll(() => h.close());

  it('answers a record and a history of one moment', async () => {
    const post = (path: string, body: unknown) => h.request('POST', `${ENV}${path}`, body);
    expect((await post('/onhand', stockBody('stock-torn', 'torn', { inbound: 5 }))).statusCode).toBe(200);
    const made = await post('/onhand/reserve', reserveBody('reserve-torn', 'torn', 2));
    expect(made.statusCode, made.body).toBe(200);
    const { reservationId } = made.json() as { reservationId: string };

    const store = h.services.store as Store & { readLedgerByReference: Store['readLedgerByReference'] };
    const original = store.readLedgerByReference.bind(store);
    let interleaved = false;
    store.readLedgerByReference = async (...args) => {
      if (!interleaved && args[1] === reservationId) {
        interleaved = true;
        const released = await post('/onhand/unreserve', {
          id: 'unreserve-torn',
          organizationId: ORG,
          productId: 'torn',
          reservationId,
          OffsetQty: 2,
        });
        expect(released.statusCode, released.body).toBe(200);
      }
      return original(...args);
    };
    try {
      const res = await h.request('GET', `${ENV}/onhand/reservations/${reservationId}`);
      expect(res.statusCode, res.body).toBe(200);
      const read = res.json() as ReservationJson & { history: { kind: string }[] };
      expect(interleaved).toBe(true);
      expect(read.history.map((e) => e.kind)).toEqual(['reservation.reserve', 'reservation.unreserve']);
      expect(Number(read.remaining)).toBe(0);
      expect(read.status).toBe('released');
    } finally {
      store.readLedgerByReference = original;
    }
  });
});
