import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ARIZONA, AV, availability, batch, ENV, recordsOf, uploadGraph } from './oci-helpers.js';

describe.each(testBackends())('OCI availability over the IV stock on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, ARIZONA);
  });
  afterAll(async () => {
    await h.close();
  });

  it("answers the specification's example: surprise, wickenburg and the arizona group", async () => {
    const response = await batch(h, [
      { id: 'ex-1', sku: 'sku123', location: 'surprise', onHand: 27, safetyStockCount: 10 },
      { id: 'ex-2', sku: 'sku123', location: 'wickenburg', onHand: 50, safetyStockCount: 20 },
    ]);
    expect(response.statusCode, response.body).toBe(204);
    const { status, body } = await availability(h, { sku: 'sku123', group: 'arizona' });
    expect(status).toBe(200);
    expect(recordsOf(body, 'locations', 'surprise')).toMatchObject([
      { sku: 'sku123', onHand: 27, reserved: 0, safetyStockCount: 10, atf: 17, ato: 17 },
    ]);
    expect(recordsOf(body, 'locations', 'wickenburg')).toMatchObject([
      { onHand: 50, safetyStockCount: 20, atf: 30, ato: 30 },
    ]);
    expect(recordsOf(body, 'groups', 'arizona')).toMatchObject([
      {
        onHand: 77,
        reserved: 0,
        safetyStockCount: 30,
        atf: 47,
        ato: 47,
        groupReserved: 0,
        sharedGroupReserved: 0,
      },
    ]);
  });

  it('shows an IV on-hand change at once', async () => {
    const change = await h.request('POST', `/api/environment/${ENV}/onhand`, {
      id: 'iv-change-1',
      organizationId: 'usmf',
      productId: 'sku123',
      dimensions: { siteId: 'surprise', locationId: 'surprise' },
      quantities: { iom: { onhand: 3.5 } },
    });
    expect(change.statusCode, change.body).toBe(200);
    const { body } = await availability(h, { skus: ['sku123'], locations: ['surprise'] });
    expect(recordsOf(body, 'locations', 'surprise')).toMatchObject([{ onHand: 30.5, atf: 20.5 }]);
  });

  it('answers the unassigned locations for a single SKU', async () => {
    const { body } = await availability(h, { sku: 'sku123' });
    expect(body).toEqual({
      locations: [
        {
          id: 'warehouse5',
          records: [
            { sku: 'sku123', onHand: 0, reserved: 0, safetyStockCount: 0, atf: 0, ato: 0, futures: [] },
          ],
        },
      ],
    });
  });

  it('refuses unknown places and too many combinations', async () => {
    const a = await h.request('POST', `${AV}/availability-records/actions/get-availability`, {
      skus: ['sku123'],
      locations: ['nowhere'],
    });
    expect(a.statusCode).toBe(400);
    expect(a.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(a.json()).toMatchObject({ type: 'about:blank', errorCode: 'LocationDoesNotExist' });
    const g = await availability(h, { skus: ['sku123'], groups: ['nogroup'] });
    expect(g.body).toMatchObject({ errorCode: 'GroupDoesNotExist' });
    const skus = Array.from({ length: 34 }, (_, i) => `sku-${i}`);
    const many = await availability(h, { skus, locations: ['surprise', 'wickenburg'], groups: ['arizona'] });
    expect(many.status).toBe(400);
    expect(many.body).toMatchObject({ errorCode: 'InvalidRequestParameter', parameterName: '/skus' });
    const ok = await availability(h, {
      skus: skus.slice(0, 33),
      locations: ['surprise', 'wickenburg'],
      groups: ['arizona'],
    });
    expect(ok.status).toBe(200);
  });

  it('answers 401 in the gateway shape, with WWW-Authenticate', async () => {
    const response = await h.request(
      'POST',
      `${AV}/availability-records/actions/get-availability`,
      { sku: 'sku123' },
      { token: null },
    );
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(Object.keys(response.json()).sort()).toEqual(['detail', 'title', 'type']);
  });

  it("answers the specification's request examples (test/fixtures/oci)", async () => {
    const examples = JSON.parse(
      readFileSync(new URL('../fixtures/oci/get-availability-requests.json', import.meta.url), 'utf8'),
    ) as Record<string, Record<string, unknown>>;
    await uploadGraph(h, {
      locations: ['toronto', 'warehouse5', 'phoenix', 'outlet'],
      groups: [
        { id: 'Canada', locations: ['toronto'] },
        { id: 'UnitedStates', locations: ['warehouse5', 'phoenix'] },
      ],
    });
    await batch(h, [{ id: 'spec-1', sku: 'sku123', location: 'phoenix', onHand: 4 }]);
    const all = await availability(h, examples.GetAllLocations);
    expect(all.body).toMatchObject({ locations: [{ id: 'toronto' }], groups: [{ id: 'Canada' }] });
    const unassigned = await availability(h, examples.GetAllUnAssignedLocations);
    expect(unassigned.body).toMatchObject({ locations: [{ id: 'outlet' }] });
    expect(unassigned.body.groups).toBeUndefined();
    const both = await availability(h, examples.GetLocationsAndGroups);
    expect(recordsOf(both.body, 'groups', 'UnitedStates')).toMatchObject([
      { sku: 'sku123', onHand: 4, atf: 4 },
    ]);
    expect(recordsOf(both.body, 'locations', 'warehouse5')).toMatchObject([{ onHand: 0 }]);
    await uploadGraph(h, ARIZONA);
  });
});
