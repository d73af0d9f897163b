import type { Harness } from '../support/harness.js';
import { AV, availability, batch, ENV, recordsOf } from './oci-helpers.js';

export const RES = `/inventory/reservation/v1/organizations/${ENV}`;

/** The graph of spec §3.6: GA = {L1, L2}, GB = {L2, L3}, and L4 alone. */
export const SHARED = {
  locations: ['L1', 'L2', 'L3', 'L4'],
  groups: [
    { id: 'GA', locations: ['L1', 'L2'] },
    { id: 'GB', locations: ['L2', 'L3'] },
  ],
};

export async function reserve(h: Harness, id: string, body: unknown) {
  const response = await h.request('PUT', `${RES}/reservation-documents/${id}`, body);
  return {
    status: response.statusCode,
    body: response.body ? (response.json() as Record<string, unknown>) : {},
    headers: response.headers,
  };
}

export async function post(h: Harness, action: 'releases' | 'fulfillments' | 'transfers', body: unknown) {
  const response = await h.request('POST', `${RES}/${action}`, body);
  return {
    status: response.statusCode,
    body: response.body ? (response.json() as Record<string, unknown>) : undefined,
  };
}

export async function cancel(h: Harness, id: string) {
  const response = await h.request('PATCH', `${RES}/reservation-documents/${id}`, { status: 'CANCELLED' });
  return {
    status: response.statusCode,
    body: response.body ? (response.json() as Record<string, unknown>) : undefined,
  };
}

/** Sets on hand (and safety stock) per location for a SKU. */
export async function stock(h: Harness, sku: string, onHand: Record<string, number>, tag: string) {
  const response = await batch(
    h,
    Object.entries(onHand).map(([location, q]) => ({ id: `${tag}-${location}`, sku, location, onHand: q })),
  );
  if (response.statusCode !== 204) throw new Error(`stock: ${response.statusCode} ${response.body}`);
}

/** `{onHand, reserved, atf, ato, groupReserved?, sharedGroupReserved?}` of a SKU at a place. */
export async function quantities(h: Harness, sku: string, kind: 'locations' | 'groups', id: string) {
  const answer = await availability(h, { skus: [sku], [kind]: [id] });
  if (answer.status !== 200) throw new Error(`availability ${answer.status} ${JSON.stringify(answer.body)}`);
  const r = recordsOf(answer.body, kind, id)[0] as Record<string, unknown>;
  const pick = ['onHand', 'reserved', 'atf', 'ato', 'groupReserved', 'sharedGroupReserved'];
  return Object.fromEntries(pick.filter((k) => k in r).map((k) => [k, r[k]]));
}

export { AV };
