import { expect } from 'vitest';

/** Calls the API of a test server as a client. */
export class ApiClient {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  static async signIn(url: string, clientId: string, secret: string): Promise<ApiClient> {
    const response = await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      }),
    });
    expect(response.status).toBe(200);
    return new ApiClient(url, ((await response.json()) as { access_token: string }).access_token);
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const { status, json } = await this.call(method, path, body);
    expect(status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
    return json;
  }
}

const ENV = '/api/environment/demo';
const at = (siteId: string, locationId: string, colorId = 'red') => ({ siteId, locationId, colorId });

/** The day `days` after today (UTC), as YYYY-MM-DD. */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The stock the browser tests look at: T-shirts at two locations with exact decimals (0.1 + 0.2) and
 * one location whose pos availability is negative; an ATP measure and a receipt scheduled in 3 days.
 */
export async function seedDemo(admin: ApiClient): Promise<void> {
  const config = (await admin.ok('GET', `${ENV}/configuration`)) as Record<string, Record<string, unknown>>;
  const iv = (
    config.inventorySystemConfigurations as Record<string, { calculatedMeasures: Record<string, unknown> }>
  ).iv as { calculatedMeasures: Record<string, unknown> };
  iv.calculatedMeasures.totalonhand = {
    additionModifiers: ['fno.physicalinvent', 'fno.ordered', 'fno.arrived', 'iv.ordered', 'pos.inbound'],
    subtractionModifiers: ['pos.outbound'],
  };
  const schedule = config.scheduleConfiguration as Record<string, unknown>;
  schedule.isScheduleEnabled = true;
  schedule.atpCalculatedMeasures = { iv: { totalonhand: 30 } };
  await admin.ok('POST', `${ENV}/configuration/hardupdate`, config);
  const change = (id: string, dimensions: Record<string, string>, quantities: Record<string, unknown>) =>
    admin.ok('POST', `${ENV}/onhand`, {
      id,
      organizationId: 'usmf',
      productId: 'T-shirt',
      dimensions,
      quantities,
    });
  await change('in-1', at('1', '11'), { pos: { inbound: 0.1 } });
  await change('in-2', at('1', '11'), { pos: { inbound: 0.2 } });
  await change('in-3', at('2', '21'), { pos: { inbound: '999999999999.999999' } });
  await change('out-1', at('3', '31'), { pos: { outbound: 4 } });
  await change('bike', at('1', '11', ''), { pos: { inbound: 7 } });
  await admin.ok('POST', `${ENV}/onhand/changeschedule`, {
    id: 'receipt-1',
    organizationId: 'usmf',
    productId: 'T-shirt',
    dimensions: at('1', '11'),
    quantityDataSource: 'pos',
    quantitiesByDate: { [dayFromToday(3)]: { pos: { inbound: 5 } } },
  });
}

/** A reservation by another client, as a channel would make it. */
export async function reserve(client: ApiClient, id: string, quantity: number): Promise<string> {
  const answer = (await client.ok('POST', `${ENV}/onhand/reserve`, {
    id,
    organizationId: 'usmf',
    productId: 'T-shirt',
    dimensions: at('2', '21'),
    quantity,
    quantityDataSource: 'iv',
    modifier: 'softreserved',
    ifCheckAvailForReserv: true,
    ttlSeconds: 900,
  })) as { reservationId: string };
  return answer.reservationId;
}

const OCI_AV = '/inventory/availability/v1/organizations/demo/availability-records/actions';

/**
 * An OCI location graph over the T-shirt's IV places (docs/oci.md): store-11 and store-21 stand for
 * usmf sites 1 and 2 (locations 11 and 21) and form the group "north"; warehouse-9 keeps the default
 * mapping (site and location "warehouse-9"). Then an OCI batch-update of the T-shirt with exact
 * decimals: on hand 10.125 and safety stock 2.5 at store-11, 3.3 and 0.1 at store-21.
 */
export async function seedOci(admin: ApiClient): Promise<void> {
  await admin.ok('PUT', '/inventory/impex/v1/organizations/demo/location-graph', {
    locations: [
      { id: 'store-11', iv: { organizationId: 'usmf', siteId: '1', locationId: '11' } },
      { id: 'store-21', iv: { organizationId: 'usmf', siteId: '2', locationId: '21' } },
      'warehouse-9',
    ],
    groups: [{ id: 'north', locations: ['store-11', 'store-21'] }],
  });
  await ociCount(admin, 'oci-1', 'store-11', 10.125, 2.5);
  await ociCount(admin, 'oci-2', 'store-21', 3.3, 0.1);
}

/** One OCI batch-update record of the T-shirt (answered 204: applied). */
export async function ociCount(
  admin: ApiClient,
  id: string,
  location: string,
  onHand: number,
  safetyStockCount: number,
): Promise<void> {
  const { status, json } = await admin.call('POST', `${OCI_AV}/batch-update`, {
    records: [{ id, sku: 'T-shirt', location, onHand, safetyStockCount }],
  });
  expect(status, JSON.stringify(json)).toBe(204);
}
