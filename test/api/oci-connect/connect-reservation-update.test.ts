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

/** Connect `reservation/actions/update` (v61.0): each record sets the line's new total (docs/oci.md). */
describe.each([apiBackend()])('OCI Connect reservation update on %s', (backend) => {
  let h: Harness;
  let token: string;
  const at = async (sku: string) => {
    const res = await connect(h, token, 'POST', AVAILABILITY, {
      stockKeepingUnit: sku,
      locationGroupIdentifier: 'arizona',
    });
    const body = res.json();
    const loc = (id: string) =>
      body.locations.find((l: { locationIdentifier: string }) => l.locationIdentifier === id)
        ?.inventoryRecords[0];
    return { group: body.locationGroups[0].inventoryRecords[0], surprise: loc('surprise') };
  };
  const warehouse = async (sku: string) => {
    const res = await connect(h, token, 'POST', AVAILABILITY, {
      stockKeepingUnits: [sku],
      locationIdentifiers: ['warehouse5'],
    });
    return res.json().locations[0].inventoryRecords[0];
  };
  const create = async (id: string, records: Record<string, unknown>[], extra = {}) => {
    const res = await connect(h, token, 'POST', `${ACTIONS}/reservations`, {
      actionRequestId: id,
      createRecords: records,
      ...extra,
    });
    expect(res.json().success, res.body).toBe(true);
  };
  const update = (body: Record<string, unknown>) => connect(h, token, 'POST', `${ACTIONS}/update`, body);

  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    token = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'write' }),
    );
    expect(
      (await uploadFile(h, token, '/location-graph/uploads', Buffer.from(JSON.stringify(GRAPH)))).statusCode,
    ).toBe(200);
    const records = ['sku1', 'sku2', 'sku3', 'sku4'].flatMap((sku) =>
      GRAPH.locations.map((l) => ({
        actionRequestId: `s-${sku}-${l}`,
        stockKeepingUnit: sku,
        locationIdentifier: l,
        onHand: 5,
      })),
    );
    const set = await connect(h, token, 'POST', '/availability-records/actions/batch-update', { records });
    expect(set.json()).toEqual({ success: true, errors: [] });
  });
  afterAll(() => h.close());

  it('raises and lowers a line to the new total with its adjustment; a repeat answers the same, another body 409', async () => {
    await create(
      'u-order-1',
      [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku1', quantity: 4 }],
      {
        expirationSeconds: 600,
      },
    );
    const raise = {
      actionRequestId: 'u-1',
      reservationId: 'u-order-1',
      updateRecords: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku1', quantity: 6 }],
    };
    const res = await update(raise);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      reservationTime: expect.any(String),
      expirationTime: expect.any(String),
      details: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku1', quantity: 6, adjustment: 2 }],
      errors: [],
    });
    expect((await at('sku1')).group).toMatchObject({ onHand: 10, reserved: 6, availableToFulfill: 4 });
    const again = await update(raise);
    expect(again.json()).toEqual(res.json());
    expect((await at('sku1')).group).toMatchObject({ reserved: 6 });
    const other = await update({ ...raise, updateRecords: [{ ...raise.updateRecords[0], quantity: 1 }] });
    expect(other.statusCode).toBe(409);
    expect(other.json()[0].errorCode).toBe('INVALID_STATE');
    const lower = await update({
      ...raise,
      actionRequestId: 'u-2',
      updateRecords: [{ ...raise.updateRecords[0], quantity: 1 }],
    });
    expect(lower.json().details).toEqual([
      { locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku1', quantity: 1, adjustment: -5 },
    ]);
    expect((await at('sku1')).group).toMatchObject({ reserved: 1, availableToFulfill: 9 });
  });

  it('is all or nothing by default: a raise beyond what is free changes nothing and says which line', async () => {
    await create('u-order-2', [
      { locationIdentifier: 'surprise', stockKeepingUnit: 'sku2', quantity: 1 },
      { locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku2', quantity: 1 },
    ]);
    const res = await update({
      actionRequestId: 'u-3',
      reservationId: 'u-order-2',
      updateRecords: [
        { locationIdentifier: 'surprise', stockKeepingUnit: 'sku2', quantity: 0 },
        { locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku2', quantity: 9 },
      ],
    });
    expect(res.json()).toMatchObject({
      success: false,
      details: [
        { locationIdentifier: 'surprise', stockKeepingUnit: 'sku2', quantity: 1, adjustment: 0 },
        {
          locationIdentifier: 'warehouse5',
          stockKeepingUnit: 'sku2',
          quantity: 1,
          adjustment: 0,
          errorCode: 'InsufficientQuantity',
        },
      ],
    });
    expect((await at('sku2')).surprise).toMatchObject({ reserved: 1 });
    expect(await warehouse('sku2')).toMatchObject({ reserved: 1, availableToFulfill: 4 });
    // allowPartialReservations: each record by itself, the raise granted as far as stock goes.
    const partial = await update({
      actionRequestId: 'u-4',
      reservationId: 'u-order-2',
      allowPartialReservations: true,
      updateRecords: [
        { locationIdentifier: 'surprise', stockKeepingUnit: 'sku2', quantity: 0 },
        { locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku2', quantity: 9 },
        { locationIdentifier: 'wickenburg', stockKeepingUnit: 'sku2', quantity: 2 },
      ],
    });
    expect(partial.json().details).toEqual([
      { locationIdentifier: 'surprise', stockKeepingUnit: 'sku2', quantity: 0, adjustment: -1 },
      {
        locationIdentifier: 'warehouse5',
        stockKeepingUnit: 'sku2',
        quantity: 5,
        adjustment: 4,
        errorCode: 'InsufficientQuantity',
      },
      { locationIdentifier: 'wickenburg', stockKeepingUnit: 'sku2', quantity: 2, adjustment: 2 },
    ]);
    expect(await warehouse('sku2')).toMatchObject({ onHand: 5, reserved: 5, availableToFulfill: 0 });
    // updateAllOrNothingRecords wins over allowPartialReservations.
    const whole = await update({
      actionRequestId: 'u-5',
      reservationId: 'u-order-2',
      allowPartialReservations: true,
      updateAllOrNothingRecords: true,
      updateRecords: [
        { locationIdentifier: 'wickenburg', stockKeepingUnit: 'sku2', quantity: 0 },
        { locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku2', quantity: 6 },
      ],
    });
    expect(whole.json().success).toBe(false);
    expect((await at('sku2')).group).toMatchObject({ reserved: 2 });
    // A cancel releases what the updates added too.
    const cancel = await h.app.inject({
      method: 'PATCH',
      url: `/inventory/reservation/v1/organizations/${ENV}/reservation-documents/u-order-2`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { status: 'CANCELLED' },
    });
    expect(cancel.statusCode, cancel.body).toBeLessThan(300);
    expect(await warehouse('sku2')).toMatchObject({ reserved: 0, availableToFulfill: 5 });
    expect((await at('sku2')).group).toMatchObject({ reserved: 0 });
    const late = await update({
      actionRequestId: 'u-6',
      reservationId: 'u-order-2',
      updateRecords: [{ locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku2', quantity: 1 }],
    });
    expect(late.statusCode).toBe(409);
  });

  it('never oversells under parallel raises of two reservations', async () => {
    await create('u-a', [{ locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku3', quantity: 1 }]);
    await create('u-b', [{ locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku3', quantity: 1 }]);
    const raise = (id: string, n: number) =>
      update({
        actionRequestId: `${id}-${n}`,
        reservationId: id,
        updateRecords: [{ locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku3', quantity: 4 }],
      });
    const answers = await Promise.all([raise('u-a', 1), raise('u-b', 1), raise('u-a', 2), raise('u-b', 2)]);
    const granted = answers.map((a) => a.json()).filter((a) => a.success && a.details[0].adjustment > 0);
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    // 5 on hand, 2 held: one raise of 3 fits, the second does not; the repeat of the granted one adds 0.
    expect(granted).toHaveLength(1);
    expect(await warehouse('sku3')).toMatchObject({ onHand: 5, reserved: 5, availableToFulfill: 0 });
  });

  it('applies parallel updates of one reservation one at a time; a cancel then releases all they added', async () => {
    await create('u-c', [{ locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku4', quantity: 1 }]);
    const totals = [3, 1, 4, 2, 5, 2];
    const answers = await Promise.all(
      totals.map((quantity, n) =>
        update({
          actionRequestId: `u-c-${n}`,
          reservationId: 'u-c',
          updateRecords: [
            { locationIdentifier: 'warehouse5', stockKeepingUnit: 'sku4', quantity },
            { locationIdentifier: 'surprise', stockKeepingUnit: 'sku4', quantity: n % 3 },
          ],
        }),
      ),
    );
    expect(
      answers.map((a) => a.json().success),
      answers.map((a) => a.body).join('\n'),
    ).toEqual(totals.map(() => true));
    // One at a time: each update starts from what the one before it left (the first from 1), so the
    // totals before the updates are the totals after them, less the last, plus the initial 1.
    const held = answers.map((a) => a.json().details[0] as { quantity: number; adjustment: number });
    const w = await warehouse('sku4');
    const after = [1, ...held.map((d) => d.quantity)];
    after.splice(after.indexOf(w.reserved), 1);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    expect(sorted(held.map((d) => d.quantity - d.adjustment))).toEqual(sorted(after));
    expect(held.map((d) => d.quantity)).toContain(w.reserved);
    const cancel = await h.app.inject({
      method: 'PATCH',
      url: `/inventory/reservation/v1/organizations/${ENV}/reservation-documents/u-c`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { status: 'CANCELLED' },
    });
    expect(cancel.statusCode, cancel.body).toBeLessThan(300);
    expect(await warehouse('sku4')).toMatchObject({ reserved: 0 });
    expect((await at('sku4')).surprise).toMatchObject({ reserved: 0 });
  });

  it('refuses bad input and unknown reservations with nothing changed', async () => {
    const base = {
      actionRequestId: 'u-bad',
      reservationId: 'u-order-1',
      updateRecords: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku1', quantity: 2 }],
    };
    const bad = [
      { ...base, updateRecords: [] },
      { ...base, updateRecords: [{ ...base.updateRecords[0], quantity: -1 }] },
      { ...base, updateRecords: [{ ...base.updateRecords[0], quantity: 1.0005 }] },
      { ...base, updateRecords: [{ ...base.updateRecords[0], locationIdentifier: 'surprise' }] },
      { ...base, updateRecords: [base.updateRecords[0], base.updateRecords[0]] },
      { ...base, updateRecords: [{ ...base.updateRecords[0], locationGroupIdentifier: 'nowhere' }] },
      { ...base, reservationId: undefined },
      { ...base, extra: 1 },
      { ...base, actionRequestId: 'a'.repeat(129) },
    ];
    for (const body of bad) {
      const res = await update(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()[0].errorCode).toBe('INVALID_API_INPUT');
    }
    expect((await at('sku1')).group).toMatchObject({ reserved: 1 });
    const missing = await update({ ...base, reservationId: 'never-made' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()[0].errorCode).toBe('NOT_FOUND');
  });
});
