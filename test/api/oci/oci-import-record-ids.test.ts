import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { connect, salesforceToken, uploadFile } from '../oci-connect/connect-helpers.js';
import { IMPORTS, initiate, ivOnHand, upload } from './oci-import-helpers.js';

/*
 * A `recordId` with control characters or a lone surrogate is refused in the result file, whatever its
 * length: Onhand's rule (the specification only calls recordId a UUID), since the record's IV event id
 * is made of it (docs/oci.md, "Availability imports"). A recordId too long to be kept in its event id
 * (which is then hashed) is refused the same way as a short one.
 */
const MESSAGE = "'recordId' must not contain control characters (such as a line break) or lone surrogates.";

describe.each([apiBackend()])('OCI import record ids with control characters (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  it('refuses each such record with the same message and applies the others', async () => {
    const started = await initiate(h);
    const refused = [
      { recordId: 'a\u0001b', sku: 'sku-ctl-1', locationId: 'loc-1', onHand: 5 },
      {
        recordId: `${'r'.repeat(127)}\n`,
        sku: `sku-ctl-2-${'x'.repeat(200)}`,
        locationId: 'loc-1',
        onHand: 5,
      },
      { recordId: 'c\td', sku: 'sku-ctl-3', locationId: 'loc-1', onHand: 5, safetyStockCount: 1 },
      { recordId: 'e\ud800', sku: 'sku-ctl-4', locationId: 'loc-1', onHand: 5 },
    ];
    const kept = { recordId: 'clean-1', sku: 'sku-ctl-5', locationId: 'loc-1', onHand: 3 };
    const file = `${[...refused, kept].map((r) => JSON.stringify(r)).join('\n')}\n`;
    expect((await upload(h, started.uploadLink, Buffer.from(file))).statusCode).toBe(200);
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);
    const status = (await h.request('GET', started.importStatusLink)).json();
    expect(status).toMatchObject({ status: 'COMPLETED' });
    expect(status.import).toMatchObject({
      recordsReadCount: 5,
      recordsProcessedCount: 1,
      recordsSkippedCount: 4,
    });
    const result = await h.request('GET', `${IMPORTS}/${started.importId}/file-content`);
    expect(
      result.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { status: 'COMPLETED_WITH_PARTIAL_FAILURES' },
      ...refused.map((r) => ({ recordId: r.recordId, locationId: 'loc-1', sku: r.sku, message: MESSAGE })),
    ]);
    for (const r of refused) expect(await ivOnHand(h, r.sku, 'loc-1')).toBe(0);
    expect(await ivOnHand(h, 'sku-ctl-5', 'loc-1')).toBe(3);
  });
});

describe.each([apiBackend()])('OCI CSV upload record ids with control characters (%s)', (backend) => {
  const ENV = 'test';
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ backend });
    token = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'write' }),
    );
    const graph = Buffer.from(JSON.stringify({ locations: ['loc-1'] }));
    expect((await uploadFile(h, token, '/location-graph/uploads', graph)).statusCode).toBe(200);
  });
  afterAll(() => h.close());

  it('refuses each such row with the same message and applies the others', async () => {
    const csv = ['recordId,sku,locationId,onHand', '"a\u0001b",sku-csv-1,loc-1,5', '"c\td",sku-csv-2,loc-1,5']
      .concat(['clean-2,sku-csv-3,loc-1,3'])
      .join('\n');
    const V63 = '/services/data/v63.0/commerce/oci';
    const sent = await uploadFile(
      h,
      token,
      '/availability-records/uploads',
      Buffer.from(csv),
      'stock.csv',
      V63,
    );
    expect(sent.statusCode, sent.body).toBe(200);
    const { uploadId } = sent.json() as { uploadId: string };
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);
    const status = await connect(h, token, 'GET', `/availability-records/uploads/${uploadId}`);
    expect(status.json()).toMatchObject({
      status: 'COMPLETED',
      recordsProcessedCount: 1,
      recordsSkippedCount: 2,
    });
    const lines: Record<string, unknown>[] = [];
    for await (const line of h.services.engine.ociImports.result(ENV, uploadId)) lines.push(JSON.parse(line));
    expect(lines.slice(1).map((l) => [l.recordId, l.message])).toEqual([
      ['a\u0001b', MESSAGE],
      ['c\td', MESSAGE],
    ]);
    expect(await ivOnHand(h, 'sku-csv-1', 'loc-1')).toBe(0);
    expect(await ivOnHand(h, 'sku-csv-3', 'loc-1')).toBe(3);
  });
});
