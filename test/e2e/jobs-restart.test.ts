import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/open-store.js';
import { loadSettings } from '../../src/settings.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * A job that a server process was running when it died is not lost: the next server to start claims it
 * once its lease has ended and runs it to the end (the reservation resync job here, through real
 * `onhand serve` processes).
 */

const dataDir = mkdtempSync(join(tmpdir(), 'onhand-e2e-jobs-'));
const env: Record<string, string> = {
  ONHAND_DATA_DIR: dataDir,
  ONHAND_ADMIN_CLIENT_ID: 'ops',
  ONHAND_ADMIN_CLIENT_SECRET: 'ops-secret-for-the-jobs-restart-test',
  ONHAND_ENVIRONMENTS: 'shop',
};
let server: ServerProcess | undefined;
const drops: (() => Promise<void>)[] = [];

afterAll(async () => {
  await server?.stop();
  for (const drop of drops) await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function token(url: string): Promise<string> {
  const response = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'ops',
      client_secret: env.ONHAND_ADMIN_CLIENT_SECRET ?? '',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function call(url: string, bearer: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}/api/environment/shop${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const AT = { siteId: '1', locationId: '11' };

describe.each(testBackends())('a job left by a server that died, on %s', (backend) => {
  it('is resumed and completed by the next server to start', async () => {
    delete env.ONHAND_DATABASE_URL;
    if (backend === 'postgres') {
      const database = await createTestDatabase();
      drops.push(database.drop);
      env.ONHAND_DATABASE_URL = database.url;
    }
    server = await startServerProcess(env);
    let bearer = await token(server.url);
    const stock = {
      id: 'stock-1',
      organizationId: 'usmf',
      productId: 'Mug',
      dimensions: AT,
      quantities: { pos: { inbound: 10 } },
    };
    expect((await call(server.url, bearer, 'POST', '/onhand', stock)).status).toBe(200);
    const reserve = {
      id: 'cart-1',
      organizationId: 'usmf',
      productId: 'Mug',
      dimensions: AT,
      quantity: 3,
      quantityDataSource: 'iv',
      modifier: 'softreserved',
    };
    const reserved = await call(server.url, bearer, 'POST', '/onhand/reserve', reserve);
    expect(reserved.status).toBe(200);
    expect(await server.stop()).toBe(0);

    // What a server killed in the middle of the job leaves behind: the job Running, owned by a process
    // that is gone, its lease ended.
    const store = await openStore(loadSettings({ data: dataDir }, env));
    const now = new Date().toISOString();
    await store.jobs.create({
      environmentId: 'shop',
      jobId: 'ReservationResyncJob:left-behind',
      kind: 'ReservationResyncJob',
      request: { dataSources: [] },
      createdAt: now,
    });
    expect(await store.jobs.claim('killed-process', now, now)).toMatchObject({
      status: 'Running',
      attempts: 1,
    });
    await store.close();

    server = await startServerProcess(env);
    bearer = await token(server.url);
    let progress: Record<string, unknown> = {};
    for (let i = 0; i < 100 && progress.status !== 'Completed'; i++) {
      progress = (
        await call(server.url, bearer, 'GET', '/getJobProgress?jobId=ReservationResyncJob:left-behind')
      ).body;
      if (progress.status !== 'Completed') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(progress).toMatchObject({ status: 'Completed', attempts: 2, progress: { released: 1 } });
    const reservation = await call(
      server.url,
      bearer,
      'GET',
      `/onhand/reservations/${String(reserved.body.reservationId)}`,
    );
    expect(reservation.body).toMatchObject({ remaining: 0, status: 'released' });
    expect(await server.stop()).toBe(0);
    server = undefined;
  }, 90_000);
});
