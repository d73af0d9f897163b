import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AT, ORG, reserveBody, stockBody } from '../support/reservation-helpers.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { describeAvailabilityChecks } from './reservations/availability-tests.js';
import { describeLifecycle } from './reservations/lifecycle-tests.js';
import { describeReleases } from './reservations/release-tests.js';
import { h, useReservationsApp } from './reservations/reservations-app.js';
import { describeReserveInput } from './reservations/reserve-input-tests.js';

/**
 * Soft reservations (spec §2.8, §5; issue 3) through the in-process app on a real SQLite database.
 * Time is a controllable clock: `advance` moves it, `sweep` runs the expiry sweep the server would run
 * on a timer. Every test works on its own product, so tests do not see each other's stock.
 */

useReservationsApp();

describeAvailabilityChecks();
describeReserveInput();
describeReleases();
describeLifecycle();

describe('expiry across a restart of a real server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'onhand-expiry-'));
  const env = {
    ONHAND_DATA_DIR: dataDir,
    ONHAND_ADMIN_CLIENT_ID: 'ops',
    ONHAND_ADMIN_CLIENT_SECRET: 'ops-secret-for-the-expiry-test',
    ONHAND_ENVIRONMENTS: 'shop',
  };
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, token: string, body?: unknown) {
    const res = await fetch(`${server!.url}/api/environment/shop${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('a reservation that expired while the server was down is released by the start-up sweep', async () => {
    server = await startServerProcess(env);
    const tokenRes = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'ops',
        client_secret: env.ONHAND_ADMIN_CLIENT_SECRET,
      }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    expect((await call('POST', '/onhand', token, stockBody('s-1', 'cart', { inbound: 1 }))).status).toBe(200);
    const reserved = await call(
      'POST',
      '/onhand/reserve',
      token,
      reserveBody('r-1', 'cart', 1, { ttlSeconds: 3 }),
    );
    expect(reserved.status).toBe(200);
    const reservationId = reserved.body.reservationId as string;
    const expiresAt = Date.parse(reserved.body.expiresAt as string);
    expect(await server.stop()).toBe(0);
    // Stopped before the expiry: only the next process can release it.
    expect(Date.now()).toBeLessThan(expiresAt);
    server = undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 200));

    server = await startServerProcess(env);
    let found: Record<string, unknown> = {};
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      found = (await call('GET', `/onhand/reservations/${reservationId}`, token)).body;
      if (found.status !== 'open') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toMatchObject({ status: 'expired', remaining: 0 });
    const rows = (
      await call('GET', '/onhand?organizationId=usmf&productId=cart&siteId=1&locationId=11', token)
    ).body as unknown as {
      quantities: { iv: { softreserved: number; availabletoreserve: number } };
    }[];
    expect(rows[0]?.quantities.iv).toMatchObject({ softreserved: 0, availabletoreserve: 1 });
  }, 90_000);
});

describe('configuration changes while reservations are open', () => {
  it('refuses to drop the reservation mapping of a measure that open reservations use', async () => {
    expect((await h.request('PUT', '/api/environment/guarded')).statusCode).toBe(201);
    const red = { ...AT, colorId: 'red' };
    const put = (path: string, body: unknown) => h.request('POST', `/api/environment/guarded${path}`, body);
    expect((await put('/onhand', stockBody('g-stock', 'guard', { inbound: 5 }, red))).statusCode).toBe(200);
    const made = await put('/onhand/reserve', reserveBody('g-r', 'guard', 2, { dimensions: red }));
    const { reservationId } = made.json() as { reservationId: string };
    const config = (await h.request('GET', '/api/environment/guarded/configuration')).json();
    config.inventorySystemConfigurations.iv.reservMappings = {};
    delete config.configurationVersion;
    const refused = await h.request('POST', '/api/environment/guarded/configuration/hardupdate', config);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('reservations_in_use');
    await put('/onhand/unreserve', {
      id: 'g-u',
      organizationId: ORG,
      productId: 'guard',
      reservationId,
      OffsetQty: 2,
    });
    const accepted = await h.request('POST', '/api/environment/guarded/configuration/hardupdate', config);
    expect(accepted.statusCode, accepted.body).toBe(200);
  });
});
