import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { deltas, exportOf, ivDelivery } from './availability-export-helpers.js';
import { ARIZONA, AV, batch, ENV, IMPEX, uploadGraph } from './oci-helpers.js';

describe.each(testBackends())('OCI availability export and get-deltas on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, ARIZONA);
  });
  afterAll(async () => {
    await h.close();
  });

  it('exports every record of the groups with a delta token; deltas show IV and OCI writes after it', async () => {
    expect(
      (
        await batch(h, [
          { id: 'e-1', sku: 'sku-a', location: 'surprise', onHand: 27, safetyStockCount: 10 },
          { id: 'e-2', sku: 'sku-a', location: 'wickenburg', onHand: 50, safetyStockCount: 20 },
          { id: 'e-3', sku: 'sku-b', location: 'warehouse5', onHand: 4 },
        ])
      ).statusCode,
    ).toBe(204);
    const lines = await exportOf(h, { groups: ['arizona'] });
    expect(lines.slice(0, -1)).toEqual([
      { groupId: 'arizona' },
      {
        sku: 'sku-a',
        onHand: 77,
        reserved: 0,
        groupReserved: 0,
        sharedGroupReserved: 0,
        atf: 47,
        ato: 47,
        safetyStockCount: 30,
        effectiveDate: expect.any(String),
        futures: [],
      },
    ]);
    const token = lines.at(-1)?.deltaToken;
    expect(typeof token).toBe('string');

    // Nothing happened since: no records, the same position.
    const none = await deltas(h, token);
    expect(none).toMatchObject({ status: 200, body: { records: [], shouldQueryAgain: false } });

    // An IV delivery at a member location, and a safety stock change through OCI.
    const iv = await h.request(
      'POST',
      `/api/environment/${ENV}/onhand`,
      ivDelivery('d-1', 'sku-a', 'surprise', 3),
    );
    expect(iv.statusCode).toBe(200);
    expect(
      (await batch(h, [{ id: 'e-4', sku: 'sku-c', location: 'wickenburg', safetyStockCount: 2 }])).statusCode,
    ).toBe(204);
    // Not in the export's places: no delta.
    await h.request('POST', `/api/environment/${ENV}/onhand`, ivDelivery('d-2', 'sku-b', 'warehouse5', 1));
    const first = await deltas(h, token);
    expect(first.status).toBe(200);
    expect(first.body.records).toEqual([
      {
        id: 'arizona',
        sku: 'sku-a',
        deltaType: 'Change',
        onHand: 80,
        atf: 50,
        ato: 50,
        reserved: 0,
        safetyStockCount: 30,
        futures: [],
        effectiveDate: expect.any(String),
      },
      {
        id: 'arizona',
        sku: 'sku-c',
        deltaType: 'Change',
        onHand: 0,
        atf: 0,
        ato: 0,
        reserved: 0,
        safetyStockCount: 2,
        futures: [],
      },
    ]);
    expect(first.body.shouldQueryAgain).toBe(false);
    // From the next token: nothing new.
    expect((await deltas(h, first.body.nextDeltaToken)).body.records).toEqual([]);

    // Product segmentation of the group is a delta too (atf and ato 0).
    const seg = await h.request('POST', `${AV}/product-segmentation/actions/batch-update`, {
      groups: [{ groupId: 'arizona', mode: 'APPEND', skus: ['sku-a'] }],
    });
    expect(seg.statusCode).toBe(204);
    const third = await deltas(h, first.body.nextDeltaToken);
    expect(third.body.records).toMatchObject([{ id: 'arizona', sku: 'sku-a', onHand: 80, atf: 0, ato: 0 }]);

    // The change feed carries the OCI entries (no IV value changed: empty changes), the graph upload first.
    const feed = await h.request('GET', `/api/environment/${ENV}/feed?after=0&limit=1000`);
    expect(feed.statusCode).toBe(200);
    const entries = (feed.json() as { entries: { kind: string; changes: unknown[] }[] }).entries;
    expect(entries.filter((e) => e.kind.startsWith('oci.')).map((e) => [e.kind, e.changes.length])).toEqual([
      ['oci.graph', 0],
      ['oci.safetystock', 0],
      ['oci.safetystock', 0],
      ['oci.safetystock', 0],
      ['oci.segmentation', 0],
    ]);
  });

  it('exports locations, and a location export follows only its locations', async () => {
    const lines = await exportOf(h, { locations: ['warehouse5'] });
    expect(lines[0]).toEqual({ locationId: 'warehouse5' });
    expect(lines[1]).toMatchObject({ sku: 'sku-b', onHand: 5, atf: 5 });
    expect(lines[1]).not.toHaveProperty('groupReserved');
    const token = lines.at(-1)?.deltaToken;
    await h.request('POST', `/api/environment/${ENV}/onhand`, ivDelivery('d-3', 'sku-b', 'warehouse5', 2));
    await h.request('POST', `/api/environment/${ENV}/onhand`, ivDelivery('d-4', 'sku-a', 'surprise', 2));
    const answer = await deltas(h, token);
    expect(answer.body.records).toMatchObject([
      { id: 'warehouse5', sku: 'sku-b', onHand: 7, deltaType: 'Change' },
    ]);
  });

  it('applies a record whole or not at all: a refused future leaves the count and safety stock unwritten', async () => {
    const feedBefore = (await h.request('GET', `/api/environment/${ENV}/feed?after=0&limit=1000`)).json()
      .next;
    const expectedDate = `${new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`;
    // Change schedules are not enabled in this environment: the futures part fails.
    const response = await batch(h, [
      {
        id: 'whole-1',
        sku: 'sku-w',
        location: 'surprise',
        onHand: 9,
        safetyStockCount: 1,
        futureStock: [{ quantity: 4, expectedDate }],
      },
    ]);
    expect(response.statusCode).toBe(200);
    expect((response.json() as { errors: unknown[] }).errors).toHaveLength(1);
    const answer = await h.request('POST', `${AV}/availability-records/actions/get-availability`, {
      skus: ['sku-w'],
      locations: ['surprise'],
    });
    expect(answer.json().locations[0].records[0]).toMatchObject({
      onHand: 0,
      safetyStockCount: 0,
      futures: [],
    });
    const feedAfter = (await h.request('GET', `/api/environment/${ENV}/feed?after=0&limit=1000`)).json().next;
    expect(feedAfter).toBe(feedBefore);
  });

  it('refuses bad requests as the specification says', async () => {
    const both = await h.request('POST', `${IMPEX}/availability-records/exports`, {
      objects: { locations: ['surprise'], groups: ['arizona'] },
    });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({
      errorCode: 'InvalidRequestParameter',
      message: 'Locations and Groups not allowed in the same request.',
    });
    const unknown = await h.request('POST', `${IMPEX}/availability-records/exports`, {
      objects: { groups: ['nowhere'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      errorCode: 'GroupDoesNotExist',
      message: "No group exists with ID 'nowhere'",
      group: 'nowhere',
    });
    const nowhere = await h.request('POST', `${IMPEX}/availability-records/exports`, {
      objects: { locations: ['nowhere'] },
    });
    expect(nowhere.json()).toMatchObject({ errorCode: 'LocationDoesNotExist', location: 'nowhere' });
    for (const bad of ['', 'not a token', 'eyJ2IjoxfQ', 12]) {
      const answer = await deltas(h, bad);
      expect(answer.status, String(bad)).toBe(400);
      expect(answer.body.errorCode).toBe('InvalidRequestParameter');
    }
    // A token of another organization is not one of this one.
    const other = Buffer.from(JSON.stringify({ v: 1, e: 'other', p: 0, g: ['arizona'] })).toString(
      'base64url',
    );
    expect((await deltas(h, other)).status).toBe(400);
    const missing = await h.request('GET', `${IMPEX}/availability-records/exports/nope/status`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ errorCode: 'EntityNotFound' });
  });

  it('answers 409 ExportInProcess before the job ran, then serves and deletes the file', async () => {
    const started = await h.request('POST', `${IMPEX}/availability-records/exports`, {
      objects: { locations: ['surprise'] },
    });
    const { exportId } = started.json() as { exportId: string };
    const early = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/file-content`);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ errorCode: 'ExportInProcess' });
    expect(
      (await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/status`)).json(),
    ).toMatchObject({ status: 'SUBMITTED' });
    await h.services.engine.jobRunner.runPending();
    const status = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/status`);
    const file = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/file-content`);
    expect(status.json().validation.fileSize).toBe(Buffer.byteLength(file.body));
    expect((await h.request('DELETE', `${IMPEX}/availability-records/exports/${exportId}`)).statusCode).toBe(
      204,
    );
    expect(
      (await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/file-content`)).statusCode,
    ).toBe(404);
  });

  it('resumes an export whose process died (its lease ran out)', async () => {
    const started = await h.request('POST', `${IMPEX}/availability-records/exports`, {
      objects: { groups: ['arizona'] },
    });
    const { exportId } = started.json() as { exportId: string };
    const now = Date.now();
    const claimed = await h.services.store.jobs.claim(
      'dead-process',
      new Date(now - 60_000).toISOString(),
      new Date(now - 30_000).toISOString(),
    );
    expect(claimed?.jobId).toBe(`OciAvailabilityExport:${exportId}`);
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);
    const status = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/status`);
    expect(status.json()).toMatchObject({ status: 'COMPLETED' });
    expect((await h.services.store.jobs.get(ENV, `OciAvailabilityExport:${exportId}`))?.attempts).toBe(2);
  });
});
