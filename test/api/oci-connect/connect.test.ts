import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { CONNECT, connect, salesforceToken, uploadFile } from './connect-helpers.js';

const ENV = 'oms';
const GRAPH = {
  locations: ['surprise', 'wickenburg', 'warehouse5'],
  groups: [{ id: 'arizona', locations: ['surprise', 'wickenburg'] }],
};
const AVAILABILITY = '/availability/availability-records/actions/get-availability';
const BATCH = '/availability-records/actions/batch-update';

/** The Connect REST flavour (spec §7; docs/oci.md, "Connect REST flavour") on the same engine. */
describe.each([apiBackend()])('OCI Connect REST on %s', (backend) => {
  let h: Harness;
  let writer: string;
  let reader: string;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV, 'other'] });
    writer = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'write' }),
    );
    reader = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'read' }),
    );
  });
  afterAll(() => h.close());

  it('uploads a location graph as fileUpload and reports it COMPLETED', async () => {
    const sent = await uploadFile(h, writer, '/location-graph/uploads', Buffer.from(JSON.stringify(GRAPH)));
    expect(sent.statusCode, sent.body).toBe(200);
    const { uploadId } = sent.json() as { uploadId: string };
    expect(sent.json()).toEqual({
      uploadId: expect.stringMatching(/^graph-\d+$/),
      success: true,
      errors: [],
    });
    const status = await connect(h, reader, 'GET', `/location-graph/uploads/${uploadId}`);
    expect(status.json()).toMatchObject({
      uploadId,
      status: 'COMPLETED',
      validationStatus: 'Success',
      recordsReadCount: 4,
      recordsProcessedCount: 4,
    });
    const unknown = await connect(h, reader, 'GET', '/location-graph/uploads/graph-999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual([{ errorCode: 'NOT_FOUND', message: expect.any(String) }]);
    const broken = await uploadFile(h, writer, '/location-graph/uploads', Buffer.from('{"locations": ['));
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual([{ errorCode: 'JSON_PARSER_ERROR', message: expect.any(String) }]);
  });

  it('maps batch-update and get-availability both ways (the specification example)', async () => {
    const res = await connect(h, writer, 'POST', BATCH, {
      records: [
        {
          actionRequestId: 'c-1',
          stockKeepingUnit: 'sku123',
          locationIdentifier: 'surprise',
          onHand: 27,
          safetyStockCount: 10,
        },
        {
          actionRequestId: 'c-2',
          stockKeepingUnit: 'sku123',
          locationIdentifier: 'wickenburg',
          onHand: 50,
          safetyStockCount: 20,
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ success: true, errors: [] });
    const answer = await connect(h, reader, 'POST', AVAILABILITY, {
      stockKeepingUnit: 'sku123',
      locationGroupIdentifier: 'arizona',
      useCache: true,
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json();
    expect(body.locations).toEqual([
      {
        locationIdentifier: 'surprise',
        inventoryRecords: [
          {
            stockKeepingUnit: 'sku123',
            onHand: 27,
            reserved: 0,
            safetyStockCount: 10,
            availableToFulfill: 17,
            availableToOrder: 17,
            effectiveDate: expect.any(String),
            futures: [],
            exists: true,
          },
        ],
      },
      {
        locationIdentifier: 'wickenburg',
        inventoryRecords: [expect.objectContaining({ availableToFulfill: 30 })],
      },
    ]);
    expect(body.locationGroups).toEqual([
      {
        locationGroupIdentifier: 'arizona',
        inventoryRecords: [
          expect.objectContaining({ onHand: 77, availableToFulfill: 47, availableToOrder: 47 }),
        ],
      },
    ]);
    // The same answer as the SCAPI flavour's, in the other names.
    const scapi = await h.request(
      'POST',
      `/inventory/availability/v1/organizations/${ENV}/availability-records/actions/get-availability`,
      {
        sku: 'sku123',
        group: 'arizona',
      },
    );
    expect(scapi.json().groups[0].records[0]).toMatchObject({ onHand: 77, atf: 47, ato: 47 });
  });

  it('answers live whatever useCache says: an IV change shows at once', async () => {
    const ask = (useCache: boolean) =>
      connect(h, reader, 'POST', AVAILABILITY, {
        stockKeepingUnits: ['sku123'],
        locationIdentifiers: ['surprise'],
        useCache,
      });
    const change = await h.request('POST', `/api/environment/${ENV}/onhand`, {
      id: 'iv-connect-1',
      organizationId: 'usmf',
      productId: 'sku123',
      dimensions: { siteId: 'surprise', locationId: 'surprise' },
      quantities: { iom: { onhand: 3.5 } },
    });
    expect(change.statusCode, change.body).toBe(200);
    for (const useCache of [true, false]) {
      const res = await ask(useCache);
      expect(res.json().locations[0].inventoryRecords[0]).toMatchObject({
        onHand: 30.5,
        availableToFulfill: 20.5,
      });
      expect(res.json().locationGroups).toEqual([]);
    }
  });

  it('answers the unassigned locations for stockKeepingUnit alone', async () => {
    const res = await connect(h, reader, 'POST', AVAILABILITY, { stockKeepingUnit: 'sku123' });
    expect(res.json()).toEqual({
      locations: [
        {
          locationIdentifier: 'warehouse5',
          inventoryRecords: [
            {
              stockKeepingUnit: 'sku123',
              onHand: 0,
              reserved: 0,
              safetyStockCount: 0,
              availableToFulfill: 0,
              availableToOrder: 0,
              futures: [],
              exists: false,
            },
          ],
        },
      ],
      locationGroups: [],
    });
  });

  it.each([
    [{ stockKeepingUnit: 'sku123', locationIdentifiers: ['surprise'] }, /not both/],
    [{ stockKeepingUnits: ['sku123'], locationGroupIdentifier: 'arizona' }, /not both/],
    [{ locationGroupIdentifier: 'arizona' }, /together with stockKeepingUnit/],
    [{ stockKeepingUnits: ['sku123'] }, /needs locationIdentifiers/],
    [{}, /Name a SKU/],
    [{ sku: 'sku123' }, /sku/],
    [{ stockKeepingUnits: ['sku123'], locationIdentifiers: ['nowhere'] }, /nowhere/],
    [{ stockKeepingUnits: ['a b'], locationIdentifiers: ['surprise'] }, /stockKeepingUnits\/0/],
    [{ stockKeepingUnit: 'sku123', useCache: 'yes' }, /useCache/],
  ])('refuses %j with 400 INVALID_API_INPUT', async (body, message) => {
    const res = await connect(h, reader, 'POST', AVAILABILITY, body);
    expect(res.statusCode, res.body).toBe(400);
    const errors = res.json() as { errorCode: string; message: string }[];
    expect(errors).toEqual([{ errorCode: 'INVALID_API_INPUT', message: expect.stringMatching(message) }]);
  });

  it('refuses more than 100 SKU × places', async () => {
    const skus = Array.from({ length: 51 }, (_, i) => `sku-${i}`);
    const res = await connect(h, reader, 'POST', AVAILABILITY, {
      stockKeepingUnits: skus,
      locationIdentifiers: ['surprise', 'wickenburg'],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()[0].message).toMatch(/stockKeepingUnits: 51 SKUs × 2 places/);
  });

  it('reports a failed record in Connect names and applies the others; a repeat changes nothing', async () => {
    const records = [
      { actionRequestId: 'c-3', stockKeepingUnit: 'sku9', locationIdentifier: 'nowhere', onHand: 1 },
      {
        actionRequestId: 'c-4',
        stockKeepingUnit: 'sku9',
        locationIdentifier: 'warehouse5',
        onHand: 4,
        externalRefId: 'po-1',
      },
    ];
    const res = await connect(h, writer, 'POST', BATCH, { records });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      success: false,
      errors: [
        {
          details: { actionRequestId: 'c-3', stockKeepingUnit: 'sku9', locationIdentifier: 'nowhere' },
          errorCode: 'LocationDoesNotExist',
          message: expect.stringContaining('nowhere'),
        },
      ],
    });
    const again = await connect(h, writer, 'POST', BATCH, { records: [{ ...records[1], onHand: 99 }] });
    expect(again.json()).toEqual({ success: true, errors: [] });
    const read = await connect(h, reader, 'POST', AVAILABILITY, {
      stockKeepingUnits: ['sku9'],
      locationIdentifiers: ['warehouse5'],
    });
    expect(read.json().locations[0].inventoryRecords[0]).toMatchObject({ onHand: 4 });
    const tooMany = await connect(h, writer, 'POST', BATCH, {
      records: Array.from({ length: 101 }, (_, i) => ({ ...records[1], actionRequestId: `m-${i}` })),
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()[0].errorCode).toBe('INVALID_API_INPUT');
  });

  it('refuses in the platform shape: no token, a role too small, several environments, a bad version', async () => {
    const none = await connect(h, null, 'POST', AVAILABILITY, { stockKeepingUnit: 'sku123' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json()).toEqual([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    const small = await connect(h, reader, 'POST', BATCH, { records: [] });
    expect(small.statusCode).toBe(403);
    expect(small.json()).toEqual([
      { errorCode: 'INSUFFICIENT_ACCESS', message: expect.stringMatching(/write/) },
    ]);
    const both = await h.tokenWithRole([ENV, 'other'], 'admin');
    const several = await connect(h, both, 'POST', AVAILABILITY, { stockKeepingUnit: 'sku123' });
    expect(several.statusCode).toBe(403);
    expect(several.json()[0].message).toMatch(/exactly one environment/);
    for (const version of ['v50.0', 'v62', '62.0', 'v100.0']) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/services/data/${version}/commerce/oci${AVAILABILITY}`,
        headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
        payload: '{"stockKeepingUnit":"sku123"}',
      });
      expect(res.statusCode, version).toBe(404);
      expect(res.json()[0].errorCode).toBe('NOT_FOUND');
    }
    const old = await h.app.inject({
      method: 'POST',
      url: `/services/data/v51.0/commerce/oci${AVAILABILITY}`,
      headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
      payload: '{"stockKeepingUnit":"sku123"}',
    });
    expect(old.statusCode).toBe(200);
    const broken = await h.app.inject({
      method: 'POST',
      url: `${CONNECT}${AVAILABILITY}`,
      headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
      payload: '{"stockKeepingUnit":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()[0].errorCode).toBe('JSON_PARSER_ERROR');
  });

  it('keeps tenants apart: a token of another environment sees its own graph only', async () => {
    const otherToken = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: ['other'], role: 'read' }),
    );
    const res = await connect(h, otherToken, 'POST', AVAILABILITY, {
      stockKeepingUnits: ['sku123'],
      locationIdentifiers: ['surprise'],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()[0].message).toMatch(/surprise/);
  });
});
