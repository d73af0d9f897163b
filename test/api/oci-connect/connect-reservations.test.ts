import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { connect, salesforceToken, uploadFile } from './connect-helpers.js';

const ENV = 'oms';
const GRAPH = {
  locations: ['surprise', 'wickenburg', 'warehouse5'],
  groups: [{ id: 'arizona', locations: ['surprise', 'wickenburg'] }],
};
const AVAILABILITY = '/availability/availability-records/actions/get-availability';
const ACTIONS = '/reservation/actions';

/** The Connect reservation resources (spec §7) on the OCI reservation engine. */
describe.each([apiBackend()])('OCI Connect REST reservations on %s', (backend) => {
  let h: Harness;
  let token: string;
  const group = async () => {
    const res = await connect(h, token, 'POST', AVAILABILITY, {
      stockKeepingUnit: 'sku1',
      locationGroupIdentifier: 'arizona',
    });
    const body = res.json();
    return {
      group: body.locationGroups[0].inventoryRecords[0],
      surprise: body.locations.find(
        (l: { locationIdentifier: string }) => l.locationIdentifier === 'surprise',
      ).inventoryRecords[0],
    };
  };
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    token = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'write' }),
    );
    expect(
      (await uploadFile(h, token, '/location-graph/uploads', Buffer.from(JSON.stringify(GRAPH)))).statusCode,
    ).toBe(200);
    const set = await connect(h, token, 'POST', '/availability-records/actions/batch-update', {
      records: [
        { actionRequestId: 's-1', stockKeepingUnit: 'sku1', locationIdentifier: 'surprise', onHand: 5 },
        { actionRequestId: 's-2', stockKeepingUnit: 'sku1', locationIdentifier: 'wickenburg', onHand: 5 },
      ],
    });
    expect(set.json()).toEqual({ success: true, errors: [] });
  });
  afterAll(() => h.close());

  it('creates a group reservation with actionRequestId as its id; a repeat answers the same, another body 409', async () => {
    const request = {
      actionRequestId: 'order-1',
      expirationSeconds: 600,
      createRecords: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku1', quantity: 4 }],
    };
    const res = await connect(h, token, 'POST', `${ACTIONS}/reservations`, request);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      success: true,
      reservationTime: expect.any(String),
      expirationTime: expect.any(String),
      details: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku1', quantity: 4 }],
      errors: [],
    });
    expect((await group()).group).toMatchObject({ onHand: 10, availableToFulfill: 6 });
    const again = await connect(h, token, 'POST', `${ACTIONS}/reservations`, request);
    expect(again.json()).toEqual(res.json());
    expect((await group()).group).toMatchObject({ availableToFulfill: 6 });
    const other = await connect(h, token, 'POST', `${ACTIONS}/reservations`, {
      ...request,
      createRecords: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku1', quantity: 1 }],
    });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toEqual([{ errorCode: 'INVALID_STATE', message: expect.stringMatching(/order-1/) }]);
  });

  it('refuses what the group cannot give (no partial) with the errorCode in details', async () => {
    const res = await connect(h, token, 'POST', `${ACTIONS}/reservations`, {
      actionRequestId: 'order-2',
      allowPartialReservations: false,
      createRecords: [{ locationIdentifier: 'surprise', stockKeepingUnit: 'sku1', quantity: 50 }],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      success: false,
      details: [
        {
          locationIdentifier: 'surprise',
          stockKeepingUnit: 'sku1',
          quantity: 50,
          errorCode: 'InsufficientQuantity',
        },
      ],
    });
  });

  it('transfers group → location, fulfils there and releases at the group, in Connect names', async () => {
    const transfer = await connect(h, token, 'POST', `${ACTIONS}/transfers`, {
      transferRecords: [
        {
          actionRequestId: 't-1',
          stockKeepingUnit: 'sku1',
          quantity: 2,
          fromLocationGroupIdentifier: 'arizona',
          toLocationIdentifier: 'surprise',
        },
      ],
    });
    expect(transfer.json(), transfer.body).toEqual({ success: true, errors: [] });
    const fulfil = await connect(h, token, 'POST', `${ACTIONS}/fulfillments`, {
      fulfillmentRecords: [
        { actionRequestId: 'f-1', stockKeepingUnit: 'sku1', quantity: 1, locationIdentifier: 'surprise' },
      ],
    });
    expect(fulfil.json(), fulfil.body).toEqual({ success: true, errors: [] });
    const release = await connect(h, token, 'POST', `${ACTIONS}/releases`, {
      releaseRecords: [
        { actionRequestId: 'r-1', stockKeepingUnit: 'sku1', quantity: 2, locationGroupIdentifier: 'arizona' },
      ],
    });
    expect(release.json(), release.body).toEqual({ success: true, errors: [] });
    const { group: g, surprise } = await group();
    // 10 on hand − 1 fulfilled; surprise still holds 1 of the transferred 2; the group nothing more.
    expect(g).toMatchObject({ onHand: 9, reserved: 1, availableToFulfill: 8 });
    expect(surprise).toMatchObject({ onHand: 4, reserved: 1 });
    const tooMuch = await connect(h, token, 'POST', `${ACTIONS}/releases`, {
      releaseRecords: [
        { actionRequestId: 'r-2', stockKeepingUnit: 'sku1', quantity: 5, locationGroupIdentifier: 'arizona' },
      ],
    });
    expect(tooMuch.json()).toEqual({
      success: false,
      errors: [
        {
          details: {
            actionRequestId: 'r-2',
            locationGroupIdentifier: 'arizona',
            stockKeepingUnit: 'sku1',
            quantity: 5,
          },
          errorCode: 'InsufficientQuantity',
          message: expect.any(String),
        },
      ],
    });
  });

  it('refuses a record naming both or neither place, and unknown fields', async () => {
    const both = await connect(h, token, 'POST', `${ACTIONS}/releases`, {
      releaseRecords: [
        {
          actionRequestId: 'r-3',
          stockKeepingUnit: 'sku1',
          quantity: 1,
          locationIdentifier: 'surprise',
          locationGroupIdentifier: 'arizona',
        },
      ],
    });
    expect(both.statusCode).toBe(400);
    expect(both.json()[0]).toMatchObject({
      errorCode: 'INVALID_API_INPUT',
      message: expect.stringMatching(/releaseRecords\/0/),
    });
    const unknown = await connect(h, token, 'POST', `${ACTIONS}/reservations`, {
      actionRequestId: 'x',
      createRecords: [],
      sku: 'a',
    });
    expect(unknown.statusCode).toBe(400);
  });
});
