import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ADMIN_ID, ADMIN_SECRET, type Harness } from '../support/harness.js';
import type { LedgerJson } from './api-helpers.js';

const EXAMPLES = new URL('../fixtures/iv-examples/', import.meta.url);

/** A file of the vendor's ATP examples (test/fixtures/iv-examples/atp180_*), as text. */
export function exampleText(name: string): string {
  return readFileSync(new URL(name, EXAMPLES), 'utf8');
}

/** A JSON file of the vendor's ATP examples, parsed. */
export function example(name: string): unknown {
  return JSON.parse(exampleText(name)) as unknown;
}

/** Every ledger entry of an environment (one page of up to 1,000 is enough for these tests). */
export async function ledgerOf(h: Harness, environment: string, token: string): Promise<LedgerJson[]> {
  const res = await h.request(
    'GET',
    `/api/environment/${environment}/ledger?afterSeq=0&limit=1000`,
    undefined,
    {
      token,
    },
  );
  expect(res.statusCode).toBe(200);
  return res.json() as LedgerJson[];
}

/** A token issued at the harness's current (fake) time: tokens live an hour of clock time. */
export async function freshToken(h: Harness): Promise<string> {
  const response = await h.services.auth.token({
    grant_type: 'client_credentials',
    client_id: ADMIN_ID,
    client_secret: ADMIN_SECRET,
  });
  return response.access_token;
}

/**
 * Turns on change schedules in an environment with the ATP measure of the vendor's 180-day examples:
 * iv.totalonhand = fno.physicalinvent + fno.ordered + fno.arrived + iv.ordered + pos.inbound −
 * pos.outbound, reported over a 30-day period. `extra` is merged into scheduleConfiguration;
 * `vendorSources` drops what Onhand adds to the vendor's default data sources (see below).
 */
export async function enableAtp(
  h: Harness,
  environment: string,
  token: string,
  extra: Record<string, unknown> = {},
  vendorSources = false,
): Promise<void> {
  const base = `/api/environment/${environment}`;
  const current = await h.request('GET', `${base}/configuration`, undefined, { token });
  expect(current.statusCode).toBe(200);
  const config = current.json() as {
    inventorySystemConfigurations: Record<string, { calculatedMeasures: Record<string, unknown> }>;
    scheduleConfiguration: Record<string, unknown>;
  };
  const iv = config.inventorySystemConfigurations.iv;
  if (!iv) throw new Error('the default configuration has an iv data source');
  iv.calculatedMeasures.totalonhand = {
    additionModifiers: ['fno.physicalinvent', 'fno.ordered', 'fno.arrived', 'iv.ordered', 'pos.inbound'],
    subtractionModifiers: ['pos.outbound'],
  };
  if (vendorSources) {
    // The data sources of the vendor's example environment: the generation-B measures without the
    // allocation source, so a row shows exactly the measures the vendor's responses show.
    delete config.inventorySystemConfigurations['@iv'];
    (config as { allocationConfiguration?: unknown }).allocationConfiguration = {
      isEnabled: false,
      isSetup: false,
      groups: [],
      groupsOrder: {},
      availableToAllocateCalculation: {},
    };
    const available = iv.calculatedMeasures.availabletoreserve as { subtractionModifiers: string[] };
    available.subtractionModifiers = available.subtractionModifiers.filter((m) => m !== '@iv.@allocated');
    const total = config.inventorySystemConfigurations.iv?.calculatedMeasures.totalavailable as
      | { subtractionModifiers: string[] }
      | undefined;
    if (total) total.subtractionModifiers = total.subtractionModifiers.filter((m) => m !== '@iv.@allocated');
  }
  config.scheduleConfiguration = {
    ...config.scheduleConfiguration,
    isScheduleEnabled: true,
    isEnabled: true,
    atpCalculatedMeasures: { iv: { totalonhand: 30 } },
    ...extra,
  };
  const update = await h.request('POST', `${base}/configuration/hardupdate`, config, { token });
  expect(update.statusCode, update.body).toBe(200);
}

/** A change schedule for the bike of the vendor's examples (site 1, location 11). */
export function bikeSchedule(
  id: string,
  quantitiesByDate: Record<string, Record<string, Record<string, number | string>>>,
  dimensions: Record<string, string> = { siteId: '1', locationId: '11', colorId: 'red', sizeId: 'small' },
  productId = 'Bike',
): Record<string, unknown> {
  return { id, organizationId: 'usmf', productId, dimensions, quantitiesByDate };
}

/** iv.totalonhand of each ATP day of the first row, as numbers, keyed by day (yyyy-MM-dd). */
export function atpByDay(rows: unknown): Record<string, number> {
  const first = (rows as { atpQuantities?: Record<string, { iv?: { totalonhand?: number } }> }[])[0];
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(first?.atpQuantities ?? {}))
    out[key.slice(0, 10)] = value.iv?.totalonhand ?? Number.NaN;
  return out;
}
