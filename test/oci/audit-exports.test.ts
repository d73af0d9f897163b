import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { exportOf, ms, RES, today } from './export-helpers.js';
import { ARIZONA, batch, ENV, IMPEX, uploadGraph } from './oci-helpers.js';

describe.each(testBackends())('OCI reservations and event log exports on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, ARIZONA);
    const written = await batch(h, [
      { id: 'a-1', sku: 'sku123', location: 'surprise', onHand: 30, safetyStockCount: 10 },
      { id: 'a-2', sku: 'sku123', location: 'wickenburg', onHand: 50, safetyStockCount: 20 },
    ]);
    expect(written.statusCode).toBe(204);
    const steps: [string, string, unknown][] = [
      [
        'PUT',
        `${RES}/reservation-documents/order-1`,
        {
          externalRefId: 'web-1',
          groups: [{ id: 'arizona', reservations: [{ sku: 'sku123', quantity: 5 }] }],
        },
      ],
      [
        'PUT',
        `${RES}/reservation-documents/order-2`,
        { locations: [{ id: 'surprise', reservations: [{ sku: 'sku123', quantity: 3 }] }] },
      ],
      [
        'POST',
        `${RES}/transfers`,
        {
          records: [
            {
              id: 't-1',
              externalRefId: 'route-1',
              sku: 'sku123',
              quantity: 2,
              from: { group: 'arizona' },
              to: { location: 'wickenburg' },
            },
          ],
        },
      ],
      [
        'POST',
        `${RES}/fulfillments`,
        { records: [{ id: 'f-1', sku: 'sku123', quantity: 2, location: 'wickenburg' }] },
      ],
      [
        'POST',
        `${RES}/releases`,
        { records: [{ id: 'r-1', sku: 'sku123', quantity: 3, location: 'surprise' }] },
      ],
    ];
    for (const [method, url, body] of steps) {
      const r = await h.request(method, url, body);
      expect(r.statusCode, `${url}: ${r.body}`).toBeLessThan(300);
    }
  });
  afterAll(async () => {
    await h.close();
  });

  it('exports the open and the closed reservation documents with their actions', async () => {
    const open = await exportOf(h, 'reservations', { fromDate: today(), status: 'open' });
    expect(open).toEqual([
      {
        reservationId: 'order-1',
        externalRefId: 'web-1',
        reservationTime: expect.any(Number),
        reservationState: 'OPEN',
        reservationDetails: [
          {
            group: 'arizona',
            sku: 'sku123',
            quantity: 5,
            reservationDetailActions: [
              {
                requestId: 'order-1',
                externalRefId: 'web-1',
                quantity: 5,
                action: 'Reserved',
                group: 'arizona',
                timestamp: ms,
              },
              {
                requestId: 't-1',
                externalRefId: 'route-1',
                quantity: 2,
                action: 'Moved',
                from: { group: 'arizona' },
                to: { location: 'wickenburg' },
                timestamp: ms,
              },
              { requestId: 'f-1', quantity: 2, action: 'Fulfilled', location: 'wickenburg', timestamp: ms },
            ],
          },
        ],
      },
    ]);
    const closed = await exportOf(h, 'reservations', {
      fromDate: today(),
      toDate: today(),
      status: 'closed',
    });
    expect(closed).toEqual([
      {
        reservationId: 'order-2',
        reservationTime: expect.any(Number),
        reservationState: 'CLOSED',
        reservationDetails: [
          {
            location: 'surprise',
            sku: 'sku123',
            quantity: 3,
            reservationDetailActions: [
              { requestId: 'order-2', quantity: 3, action: 'Reserved', location: 'surprise', timestamp: ms },
              { requestId: 'r-1', quantity: 3, action: 'Released', location: 'surprise', timestamp: ms },
            ],
          },
        ],
      },
    ]);
    // A window that ended before the reservations were made holds none of them.
    expect(
      await exportOf(h, 'reservations', { fromDate: '2020-01-01', toDate: '2020-01-31', status: 'closed' }),
    ).toEqual([]);
  });

  it('a cancelled reservation is closed, with what the cancel released', async () => {
    const cancel = await h.request('PATCH', `${RES}/reservation-documents/order-1`, { status: 'CANCELLED' });
    expect(cancel.statusCode).toBe(204);
    const closed = await exportOf(h, 'reservations', { fromDate: today(), status: 'closed' });
    expect(closed.map((d) => d.reservationId)).toEqual(['order-1', 'order-2']);
    type Detail = { reservationDetailActions: { action: string; quantity: number }[] };
    const details = (closed[0]?.reservationDetails ?? []) as Detail[];
    const actions = details[0]?.reservationDetailActions;
    expect(actions?.map((a) => [a.action, a.quantity])).toEqual([
      ['Reserved', 5],
      ['Moved', 2],
      ['Fulfilled', 2],
      ['Cancelled', 3],
    ]);
    expect(await exportOf(h, 'reservations', { fromDate: today(), status: 'open' })).toEqual([]);
  });

  it("exports a SKU's events at a location with the values before and after each", async () => {
    const lines = await exportOf(h, 'event-log', {
      sku: 'sku123',
      startsOn: today(),
      locations: ['surprise'],
    });
    expect(lines[0]).toEqual({ locationId: 'surprise' });
    const events = lines.slice(1) as Record<string, unknown>[];
    const pick = (e: Record<string, unknown>) => [
      e.eventType,
      e.quantity,
      e.oldOnHand,
      e.newOnHand,
      e.newReserved,
      e.newSoftReserved,
      e.newAtf,
      e.safetyStockCount,
    ];
    expect(events.map(pick)).toEqual([
      ['onhand.set', 30, 0, 30, 0, 0, 30, 0],
      ['oci.safetystock', 10, 30, 30, 0, 0, 20, 10],
      ['oci.reserve', 5, 30, 30, 0, 5, 20, 10],
      ['oci.reserve', 3, 30, 30, 3, 5, 17, 10],
      ['oci.transfer', 2, 30, 30, 3, 3, 17, 10],
      ['oci.release', 3, 30, 30, 0, 3, 20, 10],
      ['oci.cancel', 3, 30, 30, 0, 0, 20, 10],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ location: 'surprise', createdTime: expect.any(String), futureQuantity: 0 });
      expect(typeof e.sequenceNumber).toBe('number');
    }
    // A group stands for its locations; an unknown SKU has no events.
    const group = await exportOf(h, 'event-log', { sku: 'sku123', startsOn: today(), groups: ['arizona'] });
    expect(group.filter((l) => 'locationId' in l)).toEqual([
      { locationId: 'surprise' },
      { locationId: 'wickenburg' },
    ]);
    expect(group.some((e) => e.eventType === 'oci.fulfill' && e.location === 'wickenburg')).toBe(true);
    expect(
      await exportOf(h, 'event-log', { sku: 'nothing', startsOn: today(), locations: ['surprise'] }),
    ).toEqual([{ locationId: 'surprise' }]);
  });

  it('refuses bad requests with the OCI error codes and changes nothing', async () => {
    const cases: [string, unknown, number, Record<string, unknown>][] = [
      [
        'reservations',
        { fromDate: today(), status: 'pending' },
        400,
        { errorCode: 'InvalidRequestParameter', parameterName: '/status' },
      ],
      [
        'reservations',
        { status: 'open' },
        400,
        { errorCode: 'InvalidRequestParameter', parameterName: '/fromDate' },
      ],
      [
        'reservations',
        { fromDate: 'yesterday', status: 'open' },
        400,
        { errorCode: 'InvalidRequestParameter', detail: 'invalid_datetime' },
      ],
      [
        'reservations',
        { fromDate: '2026-02-01', toDate: '2026-01-01', status: 'open' },
        400,
        { detail: 'oci_export_window' },
      ],
      [
        'event-log',
        { sku: 'sku123', startsOn: '2026-01-01', endsOn: '2026-03-01' },
        400,
        { detail: 'oci_export_window' },
      ],
      [
        'event-log',
        { startsOn: '2026-01-01' },
        400,
        { errorCode: 'InvalidRequestParameter', parameterName: '/sku' },
      ],
      [
        'event-log',
        { sku: 'sku123', startsOn: '2026-01-01', locations: ['nowhere'] },
        400,
        { errorCode: 'LocationDoesNotExist', location: 'nowhere' },
      ],
      [
        'event-log',
        { sku: 'sku123', startsOn: '2026-01-01', groups: ['nogroup'] },
        400,
        { errorCode: 'GroupDoesNotExist', group: 'nogroup' },
      ],
      [
        'event-log',
        { sku: 'sku123', startsOn: '2026-01-01', locations: Array.from({ length: 11 }, (_, i) => `l${i}`) },
        400,
        { detail: 'too_many_items' },
      ],
    ];
    for (const [segment, body, status, problem] of cases) {
      const r = await h.request('POST', `${IMPEX}/${segment}/exports`, body);
      expect(r.statusCode, `${JSON.stringify(body)}: ${r.body}`).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject(problem);
    }
    for (const url of [
      `${IMPEX}/reservations/exports/nope/status`,
      `${IMPEX}/reservations/exports/nope/file-content`,
      `${IMPEX}/event-log/exports/nope/status`,
    ]) {
      const r = await h.request('GET', url);
      expect(r.statusCode).toBe(404);
      expect(r.json()).toMatchObject({ errorCode: 'EntityNotFound' });
    }
  });

  it('deletes a finished reservations export', async () => {
    const started = await h.request('POST', `${IMPEX}/reservations/exports`, {
      fromDate: today(),
      status: 'open',
    });
    const { exportId } = started.json() as { exportId: string };
    const running = await h.request('DELETE', `${IMPEX}/reservations/exports/${exportId}`);
    expect(running.statusCode).toBe(409);
    await h.services.engine.jobRunner.runPending();
    expect((await h.request('DELETE', `${IMPEX}/reservations/exports/${exportId}`)).statusCode).toBe(204);
    expect((await h.request('GET', `${IMPEX}/reservations/exports/${exportId}/status`)).statusCode).toBe(404);
  });
});
