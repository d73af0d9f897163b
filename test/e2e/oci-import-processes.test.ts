import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initiate, ivOnHand, upload } from '../api/oci/oci-import-helpers.js';
import { testBackends } from '../support/backends.js';
import { ADMIN_ID, ADMIN_SECRET, type Harness, startHarness } from '../support/harness.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const postgres = testBackends().includes('postgres');

/**
 * An import's file is stored in the database, so another server process sharing it runs the import:
 * here the file is received by an in-process app (whose job runner is not started) and imported by a
 * separate `onhand serve` on the same PostgreSQL database.
 */
describe.skipIf(!postgres)('an OCI import received by one process and run by another (PostgreSQL)', () => {
  let h: Harness;
  let server: ServerProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'onhand-oci-'));

  beforeAll(async () => {
    h = await startHarness({ backend: 'postgres' });
  });
  afterAll(async () => {
    await server?.stop();
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports every record in the other process', { timeout: 120_000 }, async () => {
    const lines = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({
        recordId: `p-${i}`,
        sku: `sku-${i % 50}`,
        locationId: `loc-${i % 40}`,
        onHand: i % 7,
      }),
    );
    const started = await initiate(h);
    expect((await upload(h, started.uploadLink, Buffer.from(lines.join('\n')))).statusCode).toBe(200);
    const databaseUrl = h.settings.databaseUrl;
    if (!databaseUrl) throw new Error('the harness runs on PostgreSQL');
    server = await startServerProcess({
      ONHAND_DATABASE_URL: databaseUrl,
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: ADMIN_ID,
      ONHAND_ADMIN_CLIENT_SECRET: ADMIN_SECRET,
    });
    const token = (await (
      await fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: ADMIN_ID,
          client_secret: ADMIN_SECRET,
        }),
      })
    ).json()) as { access_token: string };
    let status: { status: string; import: Record<string, number> } | undefined;
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${server.url}${started.importStatusLink}`, {
        headers: { authorization: `Bearer ${token.access_token}` },
      });
      status = (await res.json()) as typeof status;
      if (status?.status === 'COMPLETED' || status?.status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(status?.status).toBe('COMPLETED');
    expect(status?.import).toMatchObject({ recordsReadCount: 2000, recordsProcessedCount: 2000 });
    const job = await h.services.store.jobs.get('test', `OciAvailabilityImport:${started.importId}`);
    expect(job?.owner).not.toBeNull();
    // The last record of sku-49 at loc-9 is record 1849 (i ≡ 49 mod 50, i ≡ 9 mod 40): 1849 % 7 = 1.
    expect(await ivOnHand(h, 'sku-49', 'loc-9')).toBe(1);
  });
});
