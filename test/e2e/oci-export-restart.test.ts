import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/open-store.js';
import { loadSettings } from '../../src/settings.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { OnhandHttp } from '../support/onhand-http.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * An OCI availability export that a server process was running when it died is run to the end by the
 * next server to start (through real `onhand serve` processes), and its file ends with a delta token
 * that get-deltas follows.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'onhand-e2e-oci-export-'));
const env: Record<string, string> = {
  ONHAND_DATA_DIR: dataDir,
  ONHAND_ADMIN_CLIENT_ID: 'ops',
  ONHAND_ADMIN_CLIENT_SECRET: 'ops-secret-for-the-oci-export-restart-test',
  ONHAND_ENVIRONMENTS: 'shop',
};
let server: ServerProcess | undefined;
const drops: (() => Promise<void>)[] = [];

afterAll(async () => {
  await server?.stop();
  for (const drop of drops) await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(url: string, bearer: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

const IMPEX = '/inventory/impex/v1/organizations/shop';
const AV = '/inventory/availability/v1/organizations/shop';

describe.each(testBackends())('an OCI export left by a server that died, on %s', (backend) => {
  it('is run to the end by the next server to start', async () => {
    delete env.ONHAND_DATABASE_URL;
    if (backend === 'postgres') {
      const database = await createTestDatabase();
      drops.push(database.drop);
      env.ONHAND_DATABASE_URL = database.url;
    }
    server = await startServerProcess(env);
    let bearer = await OnhandHttp.token(server, 'ops', env.ONHAND_ADMIN_CLIENT_SECRET ?? '');
    const graph = {
      locations: ['store-1', 'store-2'],
      groups: [{ id: 'city', locations: ['store-1', 'store-2'] }],
    };
    expect((await call(server.url, bearer, 'PUT', `${IMPEX}/location-graph`, graph)).status).toBe(200);
    const records = [
      { id: 'r-1', sku: 'mug', location: 'store-1', onHand: 5 },
      { id: 'r-2', sku: 'mug', location: 'store-2', onHand: 7, safetyStockCount: 2 },
    ];
    const update = await call(server.url, bearer, 'POST', `${AV}/availability-records/actions/batch-update`, {
      records,
    });
    expect(update.status).toBe(204);
    expect(await server.stop()).toBe(0);

    // What a server killed in the middle of the export leaves behind: its job Running, owned by a
    // process that is gone, its lease ended.
    const store = await openStore(loadSettings({ data: dataDir }, env));
    const now = new Date().toISOString();
    await store.jobs.create({
      environmentId: 'shop',
      jobId: 'OciAvailabilityExport:left-behind',
      kind: 'OciAvailabilityExport',
      request: { places: { groups: ['city'] } },
      createdAt: now,
    });
    expect(await store.jobs.claim('killed-process', now, now)).toMatchObject({ status: 'Running' });
    await store.close();

    server = await startServerProcess(env);
    bearer = await OnhandHttp.token(server, 'ops', env.ONHAND_ADMIN_CLIENT_SECRET ?? '');
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100 && status.status !== 'COMPLETED'; i++) {
      status = JSON.parse(
        (await call(server.url, bearer, 'GET', `${IMPEX}/availability-records/exports/left-behind/status`))
          .text,
      ) as Record<string, unknown>;
      if (status.status !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toMatchObject({
      id: 'left-behind',
      status: 'COMPLETED',
      export: { recordsExportedCount: 1 },
    });
    const file = await call(
      server.url,
      bearer,
      'GET',
      `${IMPEX}/availability-records/exports/left-behind/file-content`,
    );
    const lines = file.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, 2)).toMatchObject([{ groupId: 'city' }, { sku: 'mug', onHand: 12, atf: 10 }]);
    const deltaToken = lines[2]?.deltaToken;
    const deltas = await call(server.url, bearer, 'POST', `${AV}/availability-records/actions/get-deltas`, {
      deltaToken,
    });
    expect(JSON.parse(deltas.text)).toMatchObject({ records: [], shouldQueryAgain: false });
    expect(await server.stop()).toBe(0);
    server = undefined;
  }, 90_000);
});
