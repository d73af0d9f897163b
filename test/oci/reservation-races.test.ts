import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { startHarness } from '../support/harness.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { ENV } from './oci-helpers.js';
import { SHARED } from './reservation-helpers.js';

type Send = (
  i: number,
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

const AVP = `/inventory/availability/v1/organizations/${ENV}`;
const RESP = `/inventory/reservation/v1/organizations/${ENV}`;

/**
 * 40 requests for one unit each race for the 10 units at L2 (in GA and GB): group reservations at GA
 * and at GB, OCI location reservations at L2 and IV reservations at L2, all sent at once. Exactly 10
 * are granted, and what the places show adds up to them.
 */
async function raceForTheLastUnits(send: Send, sku: string): Promise<void> {
  const graph = await send(0, 'PUT', `/inventory/impex/v1/organizations/${ENV}/location-graph`, SHARED);
  expect(graph.status).toBe(200);
  const set = await send(1, 'POST', `${AVP}/availability-records/actions/batch-update`, {
    records: [{ id: `${sku}-on`, sku, location: 'L2', onHand: 10 }],
  });
  expect(set.status).toBe(204);
  // IV's available-to-reserve (default configuration) counts iv.ordered: the same 10 units for IV.
  const supply = await send(0, 'POST', `/api/environment/${ENV}/onhand`, {
    id: `${sku}-sup`,
    organizationId: 'usmf',
    productId: sku,
    dimensions: { siteId: 'L2', locationId: 'L2' },
    quantities: { iv: { ordered: 10 } },
  });
  expect(supply.status).toBe(200);
  const one = [{ sku, quantity: 1 }];
  const requests: (() => Promise<{ kind: string; granted: boolean }>)[] = [];
  for (let n = 0; n < 10; n++) {
    for (const group of ['GA', 'GB']) {
      requests.push(async () => {
        const r = await send(n, 'PUT', `${RESP}/reservation-documents/${sku}-${group}-${n}`, {
          allowPartialReservations: false,
          groups: [{ id: group, reservations: one }],
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return { kind: group, granted: (r.body as { success: boolean }).success };
      });
    }
    requests.push(async () => {
      const r = await send(n + 1, 'PUT', `${RESP}/reservation-documents/${sku}-L2-${n}`, {
        locations: [{ id: 'L2', reservations: one }],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return { kind: 'L2', granted: (r.body as { success: boolean }).success };
    });
    requests.push(async () => {
      const r = await send(n, 'POST', `/api/environment/${ENV}/onhand/reserve`, {
        id: `${sku}-iv-${n}`,
        organizationId: 'usmf',
        productId: sku,
        dimensions: { siteId: 'L2', locationId: 'L2' },
        quantities: { iv: { softreserved: 1 } },
        ifCheckAvailForReserv: true,
      });
      expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
      return { kind: 'IV', granted: r.status === 200 };
    });
  }
  const results = await Promise.all(requests.map((run) => run()));
  const granted = (kind: string) => results.filter((r) => r.kind === kind && r.granted).length;
  expect(results.filter((r) => r.granted)).toHaveLength(10);
  const answer = await send(1, 'POST', `${AVP}/availability-records/actions/get-availability`, {
    skus: [sku],
    locations: ['L2'],
    groups: ['GA', 'GB'],
  });
  const body = answer.body as {
    locations: { records: Record<string, number>[] }[];
    groups: { id: string; records: Record<string, number>[] }[];
  };
  const l2 = body.locations[0]?.records[0] as Record<string, number>;
  const group = (id: string) => body.groups.find((g) => g.id === id)?.records[0] as Record<string, number>;
  expect({
    reserved: l2.reserved,
    GA: group('GA').groupReserved,
    GB: group('GB').groupReserved,
    GAshared: group('GA').sharedGroupReserved,
    atfGA: group('GA').atf,
  }).toEqual({
    reserved: granted('L2') + granted('IV'),
    GA: granted('GA'),
    GB: granted('GB'),
    GAshared: granted('GB'),
    atfGA: 0,
  });
}

describe.each(testBackends())('OCI and IV reservations racing in one process on %s', (backend) => {
  it('grants exactly the stock at the location and its groups', async () => {
    const h = await startHarness({ backend, environments: [ENV] });
    try {
      await raceForTheLastUnits(async (_i, method, path, body) => {
        const r = await h.request(method as 'POST', path, body);
        return { status: r.statusCode, body: r.body ? r.json() : undefined };
      }, 'race-1');
    } finally {
      await h.close();
    }
  });
});

const onPostgres = testBackends().includes('postgres');
(onPostgres ? describe : describe.skip)('OCI and IV reservations racing across two server processes', () => {
  const SECRET = 'ops-secret-for-the-oci-race-test';
  let servers: ServerProcess[] = [];
  let dataDir = '';
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('grants exactly the stock at the location and its groups', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-oci-race-'));
    const database = await createTestDatabase();
    drop = database.drop;
    const env = {
      ONHAND_DATABASE_URL: database.url,
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: ENV,
    };
    servers = [await startServerProcess(env), await startServerProcess(env)];
    const tokenAnswer = await fetch(`${servers[0]?.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'ops',
        client_secret: SECRET,
      }),
    });
    const bearer = ((await tokenAnswer.json()) as { access_token: string }).access_token;
    await raceForTheLastUnits(async (i, method, path, body) => {
      const server = servers[i % 2] as ServerProcess;
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    }, 'race-2');
  }, 120_000);
});
