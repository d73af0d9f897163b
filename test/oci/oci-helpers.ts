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

/** Turns change schedules on, with an ATP measure (iv.totalonhand) that uses iom.onhand (OCI futures). */
export async function enableFutures(h: Harness, environment = ENV): Promise<void> {
  const base = `/api/environment/${environment}`;
  const config = (await h.request('GET', `${base}/configuration`)).json() as {
    inventorySystemConfigurations: Record<string, { calculatedMeasures: Record<string, unknown> }>;
    scheduleConfiguration: Record<string, unknown>;
  };
  const iv = config.inventorySystemConfigurations.iv;
  if (!iv) throw new Error('the default configuration has an iv data source');
  iv.calculatedMeasures.totalonhand = {
    additionModifiers: ['fno.physicalinvent', 'iom.onhand'],
    subtractionModifiers: [],
  };
  config.scheduleConfiguration = {
    ...config.scheduleConfiguration,
    isScheduleEnabled: true,
    isEnabled: true,
    atpCalculatedMeasures: { iv: { totalonhand: 30 } },
  };
  const update = await h.request('POST', `${base}/configuration/hardupdate`, config);
  if (update.statusCode !== 200) throw new Error(`hard update: ${update.body}`);
}

/** A UTC date-time `days` from now, at midnight. */
export function daysAhead(days: number): string {
  return `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`;
}
