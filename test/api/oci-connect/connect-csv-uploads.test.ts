import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableFutures } from '../../oci/oci-helpers.js';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { connect, salesforceToken, uploadFile } from './connect-helpers.js';

const ENV = 'oms';
const V63 = '/services/data/v63.0/commerce/oci';
const AVAILABILITY = '/availability/availability-records/actions/get-availability';

/** Connect CSV availability uploads (v63.0+, docs/oci.md "CSV uploads"): rows checked one by one. */
describe.each([apiBackend()])('OCI Connect CSV uploads on %s', (backend) => {
  let h: Harness;
  let token: string;
  const upload = async (csv: string, fileName = 'stock.csv') => {
    const sent = await uploadFile(h, token, '/availability-records/uploads', Buffer.from(csv), fileName, V63);
    expect(sent.statusCode, sent.body).toBe(200);
    const { uploadId } = sent.json() as { uploadId: string };
    await h.services.engine.jobRunner.runPending();
    const status = await connect(h, token, 'GET', `/availability-records/uploads/${uploadId}`);
    const result: Record<string, unknown>[] = [];
    for await (const line of h.services.engine.ociImports.result(ENV, uploadId))
      for (const l of line.split('\n').filter((x) => x.trim() !== '')) result.push(JSON.parse(l));
    return { status: status.json(), result };
  };
  const record = async (sku: string, location: string) => {
    const read = await connect(h, token, 'POST', AVAILABILITY, {
      stockKeepingUnits: [sku],
      locationIdentifiers: [location],
    });
    return read.json().locations[0].inventoryRecords[0];
  };
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    token = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'write' }),
    );
    await enableFutures(h, ENV);
    const graph = { locations: ['surprise', 'warehouse5'] };
    const sent = await uploadFile(h, token, '/location-graph/uploads', Buffer.from(JSON.stringify(graph)));
    expect(sent.statusCode, sent.body).toBe(200);
  });
  afterAll(() => h.close());

  it('imports the good rows and reports each bad one with a stable code', async () => {
    const future = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const csv = [
      '\uFEFFsku,Location,recordId,onHand,safetyStockCount,futureQuantity,futureExpectedDate',
      `"sku,7",surprise,c1,12,2,3.5,${future}`,
      'sku8,warehouse5,c2,7,,,\r',
      '',
      'sku9,surprise,c3,"4"x,1,,',
      'sku9,surprise,c4,4',
      'sku9,surprise,c5,-1,0,,',
      'sku9,nowhere,c6,1,0,,',
      'sku9,surprise,c7,1.0005,0,,',
    ].join('\n');
    const { status, result } = await upload(csv);
    expect(status).toMatchObject({
      status: 'COMPLETED',
      recordsReadCount: 7,
      recordsProcessedCount: 2,
      recordsSkippedCount: 5,
    });
    expect(await record('sku,7', 'surprise')).toMatchObject({
      onHand: 12,
      safetyStockCount: 2,
      availableToFulfill: 10,
      futures: [{ quantity: 3.5, expectedDate: expect.any(String) }],
    });
    expect(await record('sku8', 'warehouse5')).toMatchObject({ onHand: 7, safetyStockCount: 0 });
    const codes = result.filter((r) => 'message' in r).map((r) => [r.recordId ?? null, r.errorCode]);
    // Rows refused when read come first, then those the applier refused (each batch's, in order).
    expect(codes).toEqual([
      [null, 'CsvRowMalformed'],
      [null, 'CsvColumnCount'],
      ['c5', 'InvalidRequestParameter'],
      ['c7', 'InvalidRequestParameter'],
      ['c6', 'LocationDoesNotExist'],
    ]);
    // Applied again (the same record ids): nothing changes, and an empty cell deletes the field.
    const again = await upload(
      'recordId,sku,locationId,safetyStockCount\nc8,sku,7,surprise,\nc9,"sku,7",surprise,',
    );
    expect(again.status).toMatchObject({
      recordsReadCount: 2,
      recordsProcessedCount: 1,
      recordsSkippedCount: 1,
    });
    expect(await record('sku,7', 'surprise')).toMatchObject({ onHand: 12, safetyStockCount: 0 });
  });

  it('fails a file whose header is not one of an availability file, changing nothing', async () => {
    for (const header of [
      'recordId,sku,onHand',
      'recordId,sku,locationId,colour',
      'recordId,sku,locationId,futureQuantity',
    ]) {
      const { status } = await upload(`${header}\nx1,sku10,surprise,1`);
      expect(status, header).toMatchObject({ status: 'FAILED', recordsProcessedCount: 0 });
    }
    expect(await record('sku10', 'surprise')).toMatchObject({ onHand: 0 });
  });

  it('reads CSV from v63.0 only; an NDJSON file keeps its meaning whatever the version', async () => {
    const old = await uploadFile(
      h,
      token,
      '/availability-records/uploads',
      Buffer.from('recordId,sku,locationId,onHand\nx,sku11,surprise,1'),
      'stock.csv',
    );
    expect(old.statusCode).toBe(400);
    expect(old.json()[0].errorCode).toBe('INVALID_API_INPUT');
    const json = await upload(
      JSON.stringify({ recordId: 'j1', sku: 'sku11', locationId: 'surprise', onHand: 3 }),
      'stock.json',
    );
    expect(json.status).toMatchObject({ status: 'COMPLETED', recordsProcessedCount: 1 });
    expect(await record('sku11', 'surprise')).toMatchObject({ onHand: 3 });
  });
});
