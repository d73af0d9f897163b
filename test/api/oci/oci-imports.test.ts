import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { IMPORTS, initiate, ivOnHand, upload } from './oci-import-helpers.js';

const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe.each([apiBackend()])('OCI availability imports (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: ['test', 'other'] });
  });
  afterAll(() => h.close());

  it('imports the per-line layout, gzip-compressed, and reports status, counts and result file', async () => {
    const started = await initiate(h, { fileName: 'oci.json.gz', fileEncoding: 'GZIP', linkDuration: 5 });
    expect(started.uploadLink).toMatch(
      /^\/inventory\/impex\/v1\/organizations\/test\/availability-records\/imports\/uploadlink\//,
    );
    const file = [
      line({ recordId: 'r1', sku: 'sku1', locationId: 'wickenburg', onHand: 10, safetyStockCount: 0 }),
      line({ recordId: 'r2', sku: 'sku1', locationId: 'prescott', onHand: 7.5 }),
      line({ recordId: 'r3', sku: 'sku1', locationId: 'prescott', onHand: -1 }),
      'not json',
      '',
    ].join('\n');
    const sent = await upload(h, started.uploadLink, gzipSync(file));
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ status: 'PENDING', importId: started.importId });
    const again = await upload(h, started.uploadLink, gzipSync(file));
    expect(again.statusCode).toBe(409);
    expect(again.json().errorCode).toBe('FileAlreadyReceived');
    const early = await h.request('GET', `${IMPORTS}/${started.importId}/file-content`);
    expect(early.statusCode).toBe(409);
    expect(early.json().errorCode).toBe('ImportInProgress');
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);

    const status = await h.request('GET', started.importStatusLink);
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({
      importId: started.importId,
      status: 'COMPLETED',
      validation: { status: 'Success', errors: [] },
      upload: { fileName: 'oci.json.gz' },
      import: { recordsReadCount: 4, recordsProcessedCount: 2, recordsSkippedCount: 2 },
    });
    expect(await ivOnHand(h, 'sku1', 'wickenburg')).toBe(10);
    expect(await ivOnHand(h, 'sku1', 'prescott')).toBe(7.5);
    const result = await h.request('GET', `${IMPORTS}/${started.importId}/file-content`);
    expect(result.statusCode).toBe(200);
    const lines = result.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ status: 'COMPLETED_WITH_PARTIAL_FAILURES' });
    expect(lines[1]).toMatchObject({ recordId: 'r3', sku: 'sku1', locationId: 'prescott' });
    expect(lines[2]).toEqual({ message: 'The line is not valid JSON.' });
    expect(lines).toHaveLength(3);
  });

  it('imports the legacy layout (header lines with location or locationId) and refuses mixed lines', async () => {
    const started = await initiate(h);
    const file = [
      line({ location: 'store-a', mode: 'UPDATE' }),
      line({ recordId: 'l1', sku: 'sku2', onHand: 3 }),
      line({ locationId: 'store-b', mode: 'UPDATE' }),
      line({ recordId: 'l2', sku: 'sku2', onHand: 4 }),
      line({ recordId: 'l3', sku: 'sku2', locationId: 'store-c', onHand: 5 }),
    ].join('\n');
    expect((await upload(h, started.uploadLink, Buffer.from(file))).statusCode).toBe(200);
    await h.services.engine.jobRunner.runPending();
    const status = (await h.request('GET', started.importStatusLink)).json();
    expect(status.import).toMatchObject({
      recordsReadCount: 3,
      recordsProcessedCount: 2,
      recordsSkippedCount: 1,
    });
    expect(await ivOnHand(h, 'sku2', 'store-a')).toBe(3);
    expect(await ivOnHand(h, 'sku2', 'store-b')).toBe(4);
    expect(await ivOnHand(h, 'sku2', 'store-c')).toBe(0);
  });

  it('fails an import whose hash does not match, changing nothing', async () => {
    const started = await initiate(h, { fileName: 'x.json', fileHash: '0'.repeat(64) });
    const file = line({ recordId: 'h1', sku: 'sku3', locationId: 'store-a', onHand: 9 });
    expect((await upload(h, started.uploadLink, Buffer.from(file))).statusCode).toBe(200);
    await h.services.engine.jobRunner.runPending();
    const status = (await h.request('GET', started.importStatusLink)).json();
    expect(status.status).toBe('FAILED');
    expect(status.validation.status).toBe('Failed');
    expect(await ivOnHand(h, 'sku3', 'store-a')).toBe(0);
    const result = await h.request('GET', `${IMPORTS}/${started.importId}/file-content`);
    expect(result.body.trim()).toBe('{"status":"FAILED"}');
  });

  it('fails an import whose gzip stream is broken, with a FAILED result file', async () => {
    const started = await initiate(h);
    const good = gzipSync(
      `${line({ recordId: 'g1', sku: 'sku4', locationId: 'store-a', onHand: 2 })}\n`.repeat(50),
    );
    const broken = Buffer.concat([good.subarray(0, 20), Buffer.from('this is not deflate data at all')]);
    expect((await upload(h, started.uploadLink, broken)).statusCode).toBe(200);
    await h.services.engine.jobRunner.runPending();
    const status = (await h.request('GET', started.importStatusLink)).json();
    expect(status.status).toBe('FAILED');
    const result = await h.request('GET', `${IMPORTS}/${started.importId}/file-content`);
    expect(result.body.trim().split('\n')[0]).toBe('{"status":"FAILED"}');
  });

  it('lists, deletes, and answers the spec problems for unknown ids, bad bodies and other tenants', async () => {
    const waiting = await initiate(h);
    const all = (await h.request('GET', IMPORTS)).json().imports as string[];
    expect(all).toContain(waiting.importId);
    const available = (await h.request('GET', `${IMPORTS}?available=true`)).json().imports as string[];
    expect(available).toEqual([waiting.importId]);
    const deleted = await h.request('DELETE', `${IMPORTS}/${waiting.importId}`);
    expect(deleted.statusCode).toBe(204);
    const gone = await h.request('GET', `${IMPORTS}/${waiting.importId}/status`);
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    expect(gone.json()).toMatchObject({ type: 'about:blank', errorCode: 'EntityNotFound' });
    const unknownLink = await upload(h, `${IMPORTS}/uploadlink/nope`, Buffer.from('{}'));
    expect(unknownLink.json().errorCode).toBe('EntityNotFound');
    for (const body of [{}, { fileName: 'a', linkDuration: 61 }, { fileName: 'a', fileFormat: 'CSV' }]) {
      const bad = await h.request('POST', IMPORTS, body);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errorCode).toBe('InvalidRequestParameter');
    }
    const reader = await h.tokenWithRole(['test'], 'read');
    const refused = await h.request('POST', IMPORTS, { fileName: 'a' }, { token: reader });
    expect(refused.statusCode).toBe(403);
    const elsewhere = await h.tokenWithRole(['other'], 'write');
    const wall = await h.request('GET', IMPORTS, undefined, { token: elsewhere });
    expect(wall.statusCode).toBe(403);
    const unknownOrg = await h.request(
      'GET',
      '/inventory/impex/v1/organizations/nowhere/availability-records/imports',
    );
    expect(unknownOrg.json().errorCode).toBe('TenantNotProvisioned');
    const noToken = await h.request('GET', IMPORTS, undefined, { token: null });
    expect(noToken.statusCode).toBe(401);
  });
});
