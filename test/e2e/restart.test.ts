import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'onhand-e2e-'));
const env: Record<string, string> = {
  ONHAND_DATA_DIR: dataDir,
  ONHAND_ADMIN_CLIENT_ID: 'ops',
  ONHAND_ADMIN_CLIENT_SECRET: 'ops-secret-for-the-restart-test',
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
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
  expect(body.token_type).toBe('Bearer');
  expect(body.expires_in).toBe(3600);
  return body.access_token;
}

async function call(url: string, bearer: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}/api/environment/shop${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

const event = (id: string, inbound: number) => ({
  id,
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
  quantities: { pos: { inbound } },
});
const query = {
  filters: { organizationId: ['usmf'], productId: ['T-shirt'] },
  groupByValues: ['colorId'],
  returnNegative: true,
};

async function inbound(url: string, bearer: string): Promise<unknown> {
  const { body } = await call(url, bearer, 'POST', '/onhand/indexquery', query);
  return (body as { quantities: { pos: { inbound: number } } }[])[0]?.quantities.pos.inbound;
}

describe.each(testBackends())('a real server process on %s, stopped and started again', (backend) => {
  it('keeps its data, its signing key and its memory of event ids', async () => {
    delete env.ONHAND_DATABASE_URL;
    if (backend === 'postgres') {
      const database = await createTestDatabase();
      drops.push(database.drop);
      env.ONHAND_DATABASE_URL = database.url;
    }
    server = await startServerProcess(env);
    const first = await token(server.url);
    expect((await call(server.url, first, 'POST', '/onhand', event('e-1', 5))).status).toBe(200);
    const bulk = await call(server.url, first, 'POST', '/onhand/bulk', [event('e-2', 2), event('e-3', 0.5)]);
    expect((bulk.body as { success: unknown[] }).success).toHaveLength(2);
    expect(await inbound(server.url, first)).toBe(7.5);

    expect(await server.stop()).toBe(0);
    server = await startServerProcess(env);

    // A token issued before the restart is still valid: the signing key lives in the data directory.
    expect(await inbound(server.url, first)).toBe(7.5);
    const retry = await call(server.url, first, 'POST', '/onhand', event('e-1', 5));
    expect(retry).toEqual({
      status: 200,
      body: { id: 'e-1', processingStatus: 'success', message: '', statusCode: 200 },
    });
    const changed = await call(server.url, first, 'POST', '/onhand', event('e-1', 6));
    expect(changed.status).toBe(409);
    expect((changed.body as { code: string }).code).toBe('event_id_conflict');
    expect(await inbound(server.url, first)).toBe(7.5);
    expect(server.output()).not.toContain(env.ONHAND_ADMIN_CLIENT_SECRET);
    expect(await server.stop()).toBe(0);
    server = undefined;
  }, 90_000);
});
