import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  ARIZONA,
  AV,
  availability,
  batch,
  daysAhead,
  ENV,
  enableFutures,
  recordsOf,
  uploadGraph,
} from './oci-helpers.js';

const at = async (h: Harness, sku: string, location: string) =>
  recordsOf((await availability(h, { skus: [sku], locations: [location] })).body, 'locations', location)[0];
const single = (location: string, sku: string, requestId: string) =>
  `${AV}/locations/${location}/availability-records/skus/${sku}/${requestId}`;

describe.each(testBackends())('OCI availability writes on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, ARIZONA);
    await enableFutures(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('batch-update: 200 with the failed records only, the others applied', async () => {
    const response = await batch(h, [
      { id: 'p-1', sku: 'sku-p', location: 'surprise', onHand: 5, externalRefId: 'ext-1' },
      { id: 'p-2', sku: 'sku-p', location: 'nowhere', onHand: 5, externalRefId: 'ext-2' },
      { id: 'p-3', sku: 'sku-p', location: 'wickenburg', onHand: -1 },
      { id: 'p-4', sku: 'sku-p', location: 'wickenburg', onHand: 1.0001 },
      { id: 'p-5', sku: 'sku/p', location: 'wickenburg', onHand: 1 },
      { id: 'p-6', sku: 'sku-p', location: 'warehouse5', safetyStockCount: 2.5 },
    ]);
    expect(response.statusCode).toBe(200);
    const { errors } = response.json() as {
      errors: { details: Record<string, string>; errorCode: string }[];
    };
    expect(errors.map((e) => [e.details.id, e.errorCode])).toEqual([
      ['p-2', 'LocationDoesNotExist'],
      ['p-3', 'InvalidRequestParameter'],
      ['p-4', 'InvalidRequestParameter'],
      ['p-5', 'InvalidRequestParameter'],
    ]);
    expect(errors[0]?.details).toEqual({
      id: 'p-2',
      sku: 'sku-p',
      locationId: 'nowhere',
      externalRefId: 'ext-2',
    });
    expect(await at(h, 'sku-p', 'surprise')).toMatchObject({ onHand: 5, atf: 5 });
    expect(await at(h, 'sku-p', 'wickenburg')).toMatchObject({ onHand: 0 });
    expect(await at(h, 'sku-p', 'warehouse5')).toMatchObject({ onHand: 0, safetyStockCount: 2.5 });
  });

  it('an OCI count is an IV count: the IV query sees it', async () => {
    const rows = await h.request('POST', `/api/environment/${ENV}/onhand/indexquery`, {
      filters: {
        organizationId: ['usmf'],
        productId: ['sku-p'],
        siteId: ['surprise'],
        locationId: ['surprise'],
      },
      groupByValues: [],
      returnNegative: true,
    });
    expect(rows.statusCode, rows.body).toBe(200);
    expect(rows.json()).toMatchObject([{ quantities: { iom: { onhand: 5 } } }]);
  });

  it('a record id with its SKU applies once: a repeat changes nothing, another SKU is another record', async () => {
    expect((await batch(h, [{ id: 'i-1', sku: 'sku-i', location: 'surprise', onHand: 7 }])).statusCode).toBe(
      204,
    );
    expect((await batch(h, [{ id: 'i-1', sku: 'sku-i', location: 'surprise', onHand: 9 }])).statusCode).toBe(
      204,
    );
    expect(await at(h, 'sku-i', 'surprise')).toMatchObject({ onHand: 7 });
    expect((await batch(h, [{ id: 'i-1', sku: 'sku-j', location: 'surprise', onHand: 9 }])).statusCode).toBe(
      204,
    );
    expect(await at(h, 'sku-j', 'surprise')).toMatchObject({ onHand: 9 });
    // A failed record is not remembered: sent again, corrected, it applies.
    await batch(h, [{ id: 'i-2', sku: 'sku-k', location: 'surprise', onHand: -3 }]);
    expect((await batch(h, [{ id: 'i-2', sku: 'sku-k', location: 'surprise', onHand: 3 }])).statusCode).toBe(
      204,
    );
    expect(await at(h, 'sku-k', 'surprise')).toMatchObject({ onHand: 3 });
  });

  it('refuses a batch of more than 100 records, or of the wrong shape, whole', async () => {
    const records = Array.from({ length: 101 }, (_, i) => ({
      id: `m-${i}`,
      sku: 'sku-m',
      location: 'surprise',
      onHand: 1,
    }));
    const many = await batch(h, records);
    expect(many.statusCode).toBe(400);
    expect(many.json()).toMatchObject({ errorCode: 'InvalidRequestParameter', parameterName: '/records' });
    const unknownField = await batch(h, [
      { id: 'u-1', sku: 'sku-m', location: 'surprise', onHand: 1, colour: 'red' },
    ]);
    expect(unknownField.statusCode).toBe(400);
    const missing = await batch(h, [{ id: 'u-2', location: 'surprise', onHand: 1 }]);
    expect(missing.json()).toMatchObject({ errorCode: 'MissingParameter', parameterName: '/records/0/sku' });
    expect(await at(h, 'sku-m', 'surprise')).toMatchObject({ onHand: 0 });
  });

  it('futures are change schedules of iom.onhand, both ways', async () => {
    const day = daysAhead(3);
    const response = await batch(h, [
      {
        id: 'f-1',
        sku: 'sku-f',
        location: 'surprise',
        onHand: 10,
        futureStock: [{ quantity: 4.5, expectedDate: day }],
      },
    ]);
    expect(response.statusCode, response.body).toBe(204);
    expect(await at(h, 'sku-f', 'surprise')).toMatchObject({
      onHand: 10,
      atf: 10,
      ato: 14.5,
      futures: [{ quantity: 4.5, expectedDate: day }],
    });
    // An IV schedule at the same place is an OCI future too.
    const later = daysAhead(5);
    const schedule = await h.request('POST', `/api/environment/${ENV}/onhand/changeschedule`, {
      id: 'iv-schedule-1',
      organizationId: 'usmf',
      productId: 'sku-f',
      dimensions: { siteId: 'surprise', locationId: 'surprise' },
      quantitiesByDate: { [later.slice(0, 10)]: { iom: { onhand: 2 } } },
    });
    expect(schedule.statusCode, schedule.body).toBe(200);
    expect(await at(h, 'sku-f', 'surprise')).toMatchObject({
      ato: 16.5,
      futures: [{ quantity: 4.5 }, { quantity: 2 }],
    });
    // futureStock replaces every future.
    expect(
      (await batch(h, [{ id: 'f-2', sku: 'sku-f', location: 'surprise', futureStock: [] }])).statusCode,
    ).toBe(204);
    expect(await at(h, 'sku-f', 'surprise')).toMatchObject({ ato: 10, futures: [] });
    const past = await batch(h, [
      {
        id: 'f-3',
        sku: 'sku-f',
        location: 'surprise',
        futureStock: [{ quantity: 1, expectedDate: '2001-01-01T00:00:00Z' }],
      },
    ]);
    expect(past.statusCode).toBe(200);
    const tiny = await batch(h, [
      { id: 'f-4', sku: 'sku-f', location: 'surprise', futureStock: [{ quantity: 0, expectedDate: day }] },
    ]);
    expect((tiny.json() as { errors: unknown[] }).errors).toHaveLength(1);
  });

  it('single records: PUT replaces, PATCH changes, DELETE resets, 404 for nothing there', async () => {
    const put = await h.request('PUT', single('wickenburg', 'sku-s', 'put-1'), {
      onHand: 8,
      safetyStockCount: 3,
    });
    expect(put.statusCode, put.body).toBe(204);
    expect(await at(h, 'sku-s', 'wickenburg')).toMatchObject({ onHand: 8, safetyStockCount: 3, atf: 5 });
    expect(
      (await h.request('PATCH', single('wickenburg', 'sku-s', 'patch-1'), { safetyStockCount: 1 }))
        .statusCode,
    ).toBe(204);
    expect(await at(h, 'sku-s', 'wickenburg')).toMatchObject({ onHand: 8, safetyStockCount: 1, atf: 7 });
    expect((await h.request('PUT', single('wickenburg', 'sku-s', 'put-2'), { onHand: 2 })).statusCode).toBe(
      204,
    );
    expect(await at(h, 'sku-s', 'wickenburg')).toMatchObject({ onHand: 2, safetyStockCount: 0 });
    expect((await h.request('DELETE', single('wickenburg', 'sku-s', 'delete-1'))).statusCode).toBe(204);
    expect(await at(h, 'sku-s', 'wickenburg')).toMatchObject({ onHand: 0, safetyStockCount: 0 });
    const gone = await h.request('PATCH', single('wickenburg', 'sku-s', 'patch-2'), { onHand: 1 });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ errorCode: 'EntityNotFound' });
    const nowhere = await h.request('PUT', single('nowhere', 'sku-s', 'put-3'), { onHand: 1 });
    expect(nowhere.statusCode).toBe(400);
    expect(nowhere.json()).toMatchObject({ errorCode: 'LocationDoesNotExist' });
    const bad = await h.request('PUT', single('wickenburg', 'sku-s', 'put-4'), { onHand: 0.0005 });
    expect(bad.json()).toMatchObject({ errorCode: 'InvalidRequestParameter', parameterName: '/onHand' });
  });

  it('product segmentation: an excluded SKU is not sold from the group', async () => {
    await batch(h, [{ id: 'seg-1', sku: 'sku-seg', location: 'surprise', onHand: 6 }]);
    const path = `${AV}/product-segmentation/actions/batch-update`;
    const append = await h.request('POST', path, {
      groups: [
        { groupId: 'arizona', mode: 'APPEND', skus: ['sku-seg'] },
        { groupId: 'nevada', mode: 'APPEND', skus: ['sku-seg'] },
      ],
    });
    expect(append.statusCode).toBe(200);
    expect(append.json()).toEqual({
      errors: [{ error: 'Failed to create product segmentation for group id nevada and sku sku-seg' }],
    });
    const excluded = await availability(h, {
      skus: ['sku-seg'],
      groups: ['arizona'],
      locations: ['surprise'],
    });
    expect(recordsOf(excluded.body, 'groups', 'arizona')).toMatchObject([{ onHand: 6, atf: 0, ato: 0 }]);
    expect(recordsOf(excluded.body, 'locations', 'surprise')).toMatchObject([{ atf: 6 }]);
    const remove = await h.request('POST', path, {
      groups: [{ groupId: '*', mode: 'DELETE', skus: ['sku-seg'] }],
    });
    expect(remove.statusCode).toBe(204);
    const back = await availability(h, { skus: ['sku-seg'], groups: ['arizona'] });
    expect(recordsOf(back.body, 'groups', 'arizona')).toMatchObject([{ atf: 6 }]);
  });
});
