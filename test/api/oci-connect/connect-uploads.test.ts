import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { connect, salesforceToken, uploadFile } from './connect-helpers.js';

const ENV = 'oms';
const AVAILABILITY = '/availability/availability-records/actions/get-availability';

/** Connect availability uploads (spec §7) through the Impex import machinery. */
describe.each([apiBackend()])('OCI Connect REST uploads on %s', (backend) => {
  let h: Harness;
  let writer: string;
  let reader: string;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    writer = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'write' }),
    );
    reader = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'read' }),
    );
    const graph = { locations: ['surprise', 'warehouse5'] };
    const sent = await uploadFile(h, writer, '/location-graph/uploads', Buffer.from(JSON.stringify(graph)));
    expect(sent.statusCode, sent.body).toBe(200);
  });
  afterAll(() => h.close());

  it('imports an availability file uploaded as fileUpload and reports its status', async () => {
    const file = [
      JSON.stringify({
        recordId: 'u1',
        sku: 'sku7',
        locationId: 'surprise',
        onHand: 12,
        safetyStockCount: 2,
      }),
      JSON.stringify({ recordId: 'u2', sku: 'sku7', locationId: 'nowhere', onHand: 1 }),
    ].join('\n');
    const sent = await uploadFile(h, writer, '/availability-records/uploads', Buffer.from(file));
    expect(sent.statusCode, sent.body).toBe(200);
    const { uploadId } = sent.json() as { uploadId: string };
    expect(sent.json()).toEqual({ uploadId: expect.any(String), success: true, errors: [] });
    const pending = await connect(h, reader, 'GET', `/availability-records/uploads/${uploadId}`);
    expect(pending.json()).toMatchObject({ uploadId, status: 'PENDING', validationStatus: 'Success' });
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);
    const done = await connect(h, reader, 'GET', `/availability-records/uploads/${uploadId}`);
    expect(done.json()).toMatchObject({
      uploadId,
      status: 'COMPLETED',
      validationStatus: 'Success',
      validationErrors: [],
      recordsReadCount: 2,
      recordsProcessedCount: 1,
      recordsSkippedCount: 1,
      startTimeUTC: expect.any(String),
      endTimeUTC: expect.any(String),
    });
    const read = await connect(h, reader, 'POST', AVAILABILITY, {
      stockKeepingUnits: ['sku7'],
      locationIdentifiers: ['surprise'],
    });
    expect(read.json().locations[0].inventoryRecords[0]).toMatchObject({
      onHand: 12,
      availableToFulfill: 10,
    });
    const unknown = await connect(
      h,
      reader,
      'GET',
      '/availability-records/uploads/00000000-0000-4000-8000-000000000000',
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()[0].errorCode).toBe('NOT_FOUND');
    const notAnId = await connect(h, reader, 'GET', '/availability-records/uploads/no-such-upload');
    expect(notAnId.statusCode).toBe(404);
    const noFile = await connect(h, writer, 'POST', '/availability-records/uploads', {});
    expect(noFile.statusCode).toBe(400);
  });

  it('refuses a file above 10 MB and stores nothing', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    const res = await uploadFile(h, writer, '/availability-records/uploads', big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual([{ errorCode: 'INVALID_API_INPUT', message: expect.stringMatching(/10 MB/) }]);
  });
});
