import type { Harness } from '../support/harness.js';

export const ENV = 'oci';
export const AV = `/inventory/availability/v1/organizations/${ENV}`;
export const IMPEX = `/inventory/impex/v1/organizations/${ENV}`;

/** The graph of the specification's example: arizona = surprise + wickenburg; warehouse5 alone. */
export const ARIZONA = {
  locations: ['surprise', 'wickenburg', 'warehouse5'],
  groups: [{ id: 'arizona', locations: ['surprise', 'wickenburg'] }],
};

export async function uploadGraph(h: Harness, graph: unknown = ARIZONA) {
  const response = await h.request('PUT', `${IMPEX}/location-graph`, graph);
  if (response.statusCode !== 200) throw new Error(`graph upload: ${response.statusCode} ${response.body}`);
  return response.json() as { version: number };
}

export async function batch(h: Harness, records: unknown[]) {
  return h.request('POST', `${AV}/availability-records/actions/batch-update`, { records });
}

export async function availability(h: Harness, body: unknown) {
  const response = await h.request('POST', `${AV}/availability-records/actions/get-availability`, body);
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

/** The records of one place of an availability answer, by place id. */
export function recordsOf(answer: Record<string, unknown>, kind: 'locations' | 'groups', id: string) {
  const places = (answer[kind] ?? []) as { id: string; records: Record<string, unknown>[] }[];
  return places.find((p) => p.id === id)?.records ?? [];
}
