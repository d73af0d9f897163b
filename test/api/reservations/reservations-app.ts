import { afterAll, beforeAll, expect } from 'vitest';
import { type Harness, startHarness } from '../../support/harness.js';
import { AT, ORG, type ReservationJson, reserveBody, stockBody } from '../../support/reservation-helpers.js';
import { ENV, readLedger } from '../api-helpers.js';

/*
 * The app of test/api/reservations.test.ts and the helpers its tests share (the files beside this one
 * hold its tests by concept): one harness for the whole file, on a controllable clock. `h` and `now`
 * are live bindings, set when the file's tests start and moved by `advance`.
 */

export let now = new Date('2026-01-01T00:00:00Z');
export let h: Harness;

/** Starts the app before the file's tests and closes it after them (call once, at the file's top). */
export function useReservationsApp(): void {
  beforeAll(async () => {
    h = await startHarness({ clock: () => now });
  });
  afterAll(() => h?.close());
}

/** Moves the clock; tokens live an hour of clock time, so the whole file stays well below that. */
export const advance = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};
export const sweep = () => h.services.engine.reservations.expireDue();

export const post = (path: string, body: unknown, token?: string) =>
  h.request('POST', `${ENV}${path}`, body, token === undefined ? {} : { token });

let stocked = 0;
export async function stock(productId: string, inbound: number, dimensions: Record<string, string> = AT) {
  const res = await post(
    '/onhand',
    stockBody(`stock-${productId}-${++stocked}`, productId, { inbound }, dimensions),
  );
  expect(res.statusCode, res.body).toBe(200);
}

export async function reserve(
  id: string,
  productId: string,
  quantity: number,
  extra: Record<string, unknown> = {},
) {
  const res = await post('/onhand/reserve', reserveBody(id, productId, quantity, extra));
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { reservationId: string; expiresAt?: string };
  expect(body.reservationId).toMatch(/\S/);
  return body;
}

export const unreserveBody = (id: string, productId: string, reservationId: string, OffsetQty: unknown) => ({
  id,
  organizationId: ORG,
  productId,
  reservationId,
  OffsetQty,
});

export async function reservation(reservationId: string, environment = 'test'): Promise<ReservationJson> {
  const res = await h.request('GET', `/api/environment/${environment}/onhand/reservations/${reservationId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ReservationJson;
}

/** What a rejected request could have changed: the length of the ledger and the product's stock. */
export async function stateOf(productId: string) {
  const query = await h.request(
    'GET',
    `${ENV}/onhand?organizationId=${ORG}&productId=${productId}&siteId=1&locationId=11`,
  );
  return { ledger: (await readLedger(h)).length, stock: query.json() as unknown };
}
