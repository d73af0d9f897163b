import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ENV, uploadGraph } from './oci-helpers.js';
import { cancel, post, quantities, reserve, SHARED, stock } from './reservation-helpers.js';

describe.each(testBackends())('OCI reservations on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, SHARED);
  });
  afterAll(async () => {
    await h.close();
  });

  it('spec §3.6: a group locks its least-shared locations first; the other group shows it as shared', async () => {
    await stock(h, 'sku-a', { L1: 5, L2: 5, L3: 15 }, 'a');
    const r = await reserve(h, 'res-a', {
      groups: [{ id: 'GB', reservations: [{ sku: 'sku-a', quantity: 17 }] }],
    });
    expect(r.status).toBe(200);
    expect(r.headers.location).toBe(
      `/inventory/reservation/v1/organizations/${ENV}/reservation-documents/res-a`,
    );
    expect(r.body).toMatchObject({
      success: true,
      groups: [{ id: 'GB', details: [{ sku: 'sku-a', quantity: 17 }], errors: [] }],
    });
    // The table: group reservations do not change the locations' reported quantities.
    expect(await quantities(h, 'sku-a', 'locations', 'L3')).toEqual({
      onHand: 15,
      reserved: 0,
      atf: 15,
      ato: 15,
    });
    expect(await quantities(h, 'sku-a', 'locations', 'L2')).toEqual({
      onHand: 5,
      reserved: 0,
      atf: 5,
      ato: 5,
    });
    expect(await quantities(h, 'sku-a', 'groups', 'GB')).toMatchObject({
      onHand: 20,
      reserved: 17,
      atf: 3,
      groupReserved: 17,
      sharedGroupReserved: 0,
    });
    expect(await quantities(h, 'sku-a', 'groups', 'GA')).toMatchObject({
      onHand: 10,
      reserved: 2,
      ato: 8,
      groupReserved: 0,
      sharedGroupReserved: 2,
    });
    // A location reservation cannot take what GB holds at L2 (3 of its 5 are free).
    const l2 = await reserve(h, 'res-a2', {
      allowPartialReservations: false,
      locations: [{ id: 'L2', reservations: [{ sku: 'sku-a', quantity: 4 }] }],
    });
    expect(l2.body).toMatchObject({
      success: false,
      locations: [{ id: 'L2', details: [], errors: [{ sku: 'sku-a', errorCode: 'InsufficientQuantity' }] }],
    });
    // A group reservation never exceeds the group's ATF: GA has 8 left.
    const ga = await reserve(h, 'res-a3', {
      groups: [{ id: 'GA', reservations: [{ sku: 'sku-a', quantity: 9 }] }],
    });
    expect(ga.body).toMatchObject({
      success: false,
      groups: [{ id: 'GA', details: [{ sku: 'sku-a', quantity: 8 }] }],
    });
    expect(await quantities(h, 'sku-a', 'groups', 'GA')).toMatchObject({
      reserved: 10,
      atf: 0,
      groupReserved: 8,
      sharedGroupReserved: 2,
    });
  });

  it('spec §3.6 lifecycle: reserve at the group, transfer to a location, fulfil there', async () => {
    await stock(h, 'sku-b', { L1: 50, L2: 50 }, 'b');
    const steps: Record<string, unknown>[] = [];
    const look = async () =>
      steps.push({
        group: await quantities(h, 'sku-b', 'groups', 'GA'),
        l2: await quantities(h, 'sku-b', 'locations', 'L2'),
      });
    await look();
    expect(
      (await reserve(h, 'res-b', { groups: [{ id: 'GA', reservations: [{ sku: 'sku-b', quantity: 1 }] }] }))
        .status,
    ).toBe(200);
    await look();
    const moved = await post(h, 'transfers', {
      records: [{ id: 't-b', sku: 'sku-b', quantity: 1, from: { group: 'GA' }, to: { location: 'L2' } }],
    });
    expect(moved.status).toBe(204);
    await look();
    const done = await post(h, 'fulfillments', {
      records: [{ id: 'f-b', sku: 'sku-b', quantity: 1, location: 'L2' }],
    });
    expect(done.status).toBe(204);
    await look();
    const row = (s: Record<string, unknown>) => {
      const g = s.group as Record<string, number>;
      const l = s.l2 as Record<string, number>;
      return [g.onHand, g.reserved, g.ato, l.onHand, l.reserved, l.ato];
    };
    // Spec table (group ATO computed per §5, see §10: 100 − reserved, not 50).
    expect(steps.map(row)).toEqual([
      [100, 0, 100, 50, 0, 50],
      [100, 1, 99, 50, 0, 50],
      [100, 1, 99, 50, 1, 49],
      [99, 0, 99, 49, 0, 49],
    ]);
    // A fulfilment retried with the same id and SKU changes nothing.
    expect(
      (await post(h, 'fulfillments', { records: [{ id: 'f-b', sku: 'sku-b', quantity: 1, location: 'L2' }] }))
        .status,
    ).toBe(204);
    expect(await quantities(h, 'sku-b', 'locations', 'L2')).toMatchObject({ onHand: 49, reserved: 0 });
  });

  it('cancel releases what the reservation still holds; a second cancel is 409, an unknown id 404', async () => {
    await stock(h, 'sku-c', { L3: 10, L4: 10 }, 'c');
    const r = await reserve(h, 'res-c', {
      locations: [{ id: 'L4', reservations: [{ sku: 'sku-c', quantity: 4 }] }],
      groups: [{ id: 'GB', reservations: [{ sku: 'sku-c', quantity: 6 }] }],
    });
    expect(r.body).toMatchObject({ success: true });
    expect(await quantities(h, 'sku-c', 'locations', 'L4')).toMatchObject({ reserved: 4, atf: 6 });
    expect((await cancel(h, 'res-c')).status).toBe(204);
    expect(await quantities(h, 'sku-c', 'locations', 'L4')).toMatchObject({ reserved: 0, atf: 10 });
    expect(await quantities(h, 'sku-c', 'groups', 'GB')).toMatchObject({ groupReserved: 0, atf: 10 });
    const again = await cancel(h, 'res-c');
    expect([again.status, again.body?.errorCode]).toEqual([409, 'ReservationCancelled']);
    const unknown = await cancel(h, 'res-none');
    expect([unknown.status, unknown.body?.errorCode]).toEqual([404, 'EntityNotFound']);
  });

  it('the same id: the same body answers again, another body is 409 EntityExists', async () => {
    await stock(h, 'sku-d', { L4: 3 }, 'd');
    const body = { locations: [{ id: 'L4', reservations: [{ sku: 'sku-d', quantity: 2 }] }] };
    const first = await reserve(h, 'res-d', body);
    const second = await reserve(h, 'res-d', body);
    expect(second.body).toEqual(first.body);
    expect(await quantities(h, 'sku-d', 'locations', 'L4')).toMatchObject({ reserved: 2 });
    const other = await reserve(h, 'res-d', {
      locations: [{ id: 'L4', reservations: [{ sku: 'sku-d', quantity: 1 }] }],
    });
    expect([other.status, other.body.errorCode]).toEqual([409, 'EntityExists']);
  });

  it('bad input: each field rule answers its code and changes nothing', async () => {
    await stock(h, 'sku-e', { L4: 5 }, 'e');
    const line = [{ sku: 'sku-e', quantity: 1 }];
    const cases: [unknown, number, string][] = [
      [{}, 400, 'InvalidRequest'],
      [{ locations: [{ id: 'nowhere', reservations: line }] }, 400, 'LocationDoesNotExist'],
      [
        { locations: [{ id: 'L4', reservations: line }], groups: [{ id: 'GZ', reservations: line }] },
        400,
        'GroupDoesNotExist',
      ],
      [
        { expirationSeconds: 14_401, locations: [{ id: 'L4', reservations: line }] },
        400,
        'InvalidRequestParameter',
      ],
      [
        { expirationSeconds: 0, locations: [{ id: 'L4', reservations: line }] },
        400,
        'InvalidRequestParameter',
      ],
      [
        { locations: [{ id: 'L4', reservations: [{ sku: 'sku-e', quantity: 0 }] }] },
        400,
        'InvalidRequestParameter',
      ],
      [
        { locations: [{ id: 'L4', reservations: [{ sku: 'sku-e', quantity: 1.0001 }] }] },
        400,
        'InvalidRequestParameter',
      ],
      [
        { locations: [{ id: 'L4', reservations: [{ sku: 'sku e', quantity: 1 }] }] },
        400,
        'InvalidRequestParameter',
      ],
      [{ fulfillOnly: true, groups: [{ id: 'GA', reservations: line }] }, 400, 'InvalidRequestParameter'],
      [
        { allowPartialReservations: 'yes', locations: [{ id: 'L4', reservations: line }] },
        400,
        'InvalidRequestParameter',
      ],
      [{ colour: 'red', locations: [{ id: 'L4', reservations: line }] }, 400, 'InvalidRequestParameter'],
    ];
    for (const [i, [body, status, code]] of cases.entries()) {
      const r = await reserve(h, `bad-${i}`, body);
      expect([i, r.status, r.body.errorCode]).toEqual([i, status, code]);
    }
    const badId = await reserve(h, 'bad~id', { locations: [{ id: 'L4', reservations: line }] });
    expect([badId.status, badId.body.errorCode]).toEqual([400, 'InvalidRequestParameter']);
    expect(await quantities(h, 'sku-e', 'locations', 'L4')).toMatchObject({ reserved: 0, atf: 5 });
    const transfers: [unknown, string][] = [
      [
        { records: [{ id: 't', sku: 'sku-e', quantity: 1, from: { group: 'GA' }, to: { group: 'GB' } }] },
        'Group to Group Transfers are not permitted.',
      ],
      [
        {
          allOrNothingTransferId: 'aon-1',
          records: [{ id: 't', sku: 'sku-e', quantity: 1, from: { location: 'L1' }, to: { location: 'L2' } }],
        },
        'All or nothing transfers are only allowed from Group to Location transfer types.',
      ],
      [
        {
          records: [
            {
              id: 't',
              sku: 'sku-e',
              quantity: 1,
              from: { location: 'L1' },
              to: { group: 'GA' },
              ignoreAvailabilityCheck: true,
            },
          ],
        },
        'Forcing a reservation cannot be done from a location to a group.',
      ],
    ];
    for (const [body, message] of transfers) {
      const r = await post(h, 'transfers', body);
      expect([r.status, r.body?.errorCode, r.body?.message]).toEqual([
        400,
        'InvalidRequestParameter',
        message,
      ]);
    }
    const both = await post(h, 'releases', {
      records: [{ id: 'x', sku: 'sku-e', quantity: 1, location: 'L4', group: 'GA' }],
    });
    expect([both.status, both.body?.errorCode]).toEqual([400, 'InvalidRequestParameter']);
  });

  it('releases and transfers report records that cannot apply (200 with errors), the others applied', async () => {
    await stock(h, 'sku-f', { L1: 10, L2: 10, L4: 10 }, 'f');
    await reserve(h, 'res-f', { groups: [{ id: 'GA', reservations: [{ sku: 'sku-f', quantity: 5 }] }] });
    const released = await post(h, 'releases', {
      records: [
        { id: 'rf-1', sku: 'sku-f', quantity: 2, group: 'GA' },
        { id: 'rf-2', sku: 'sku-f', quantity: 9, group: 'GA' },
      ],
    });
    expect(released.status).toBe(200);
    expect(released.body).toEqual({
      errors: [
        {
          details: { id: 'rf-2', group: 'GA', sku: 'sku-f', quantity: 9 },
          errorCode: 'InsufficientQuantity',
          message: 'Not enough reserved quantity at group GA; nothing of the record was applied.',
        },
      ],
    });
    expect(await quantities(h, 'sku-f', 'groups', 'GA')).toMatchObject({ groupReserved: 3 });
    const moved = await post(h, 'transfers', {
      allOrNothingTransferId: 'aon-f',
      records: [
        { id: 'tf-1', sku: 'sku-f', quantity: 2, from: { group: 'GA' }, to: { location: 'L1' } },
        { id: 'tf-2', sku: 'sku-f', quantity: 2, from: { group: 'GA' }, to: { location: 'L4' } },
      ],
    });
    expect(moved.status).toBe(200);
    expect(((moved.body?.errors ?? []) as { errorCode: string }[]).map((e) => e.errorCode).sort()).toEqual([
      'LocationNotInGroup',
      'NotAppliedDueToAtomicFailure',
    ]);
    expect(await quantities(h, 'sku-f', 'groups', 'GA')).toMatchObject({ groupReserved: 3 });
    expect(await quantities(h, 'sku-f', 'locations', 'L1')).toMatchObject({ reserved: 0 });
  });
});
