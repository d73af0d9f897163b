import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onCitus } from '../support/citus.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import {
  ENV,
  expectError,
  inboundOf,
  ledgerDeltaMicro,
  type RowJson,
  readLedger,
  snapshot,
  toMicro,
} from './api-helpers.js';

/**
 * Compatibility with the Dynamics 365 Inventory Visibility API as described in spec §2.1-2.7:
 * routing, headers, key casing, versions, query shapes, idempotency, set on-hand, tokens and the
 * partition administration endpoints.
 */

const ONHAND = `${ENV}/onhand`;
const BULK = `${ENV}/onhand/bulk`;
const INDEX = `${ENV}/onhand/indexquery`;
const EXACT = `${ENV}/onhand/exactquery`;
const V2 = { 'api-version': '2.0' };

let h: Harness;
const started: Harness[] = [];

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
  for (const harness of started) await harness.close();
});

/** A harness of its own, for tests that change the configuration or delete partitions. */
async function fresh(): Promise<Harness> {
  const harness = await startHarness();
  started.push(harness);
  return harness;
}

/** Posts one change event and expects it to succeed. */
async function post(harness: Harness, id: string, overrides: Record<string, unknown>): Promise<void> {
  const res = await harness.request('POST', ONHAND, tshirtEvent(id, overrides));
  expect(res.json()).toEqual({ id, processingStatus: 'success', message: '', statusCode: 200 });
  expect(res.statusCode).toBe(200);
}

const at = (siteId: string, locationId: string, more: Record<string, string> = {}) => ({
  dimensionDataSource: null,
  dimensions: { siteId, locationId, ...more },
});

describe('routing, JSON keys and quantities (spec §2.1)', () => {
  const productId = 'compat-routing';

  beforeAll(async () => {
    await post(h, 'routing-1', {
      productId,
      ...at('1', '11', { colorId: 'red' }),
      quantities: { pos: { inbound: 4 } },
    });
  });

  const body = {
    filters: { organizationId: ['usmf'], productId: [productId], siteId: ['1'], locationId: ['11'] },
    groupByValues: ['colorId'],
  };

  it('paths are matched case-insensitively, environment id included', async () => {
    const expected = (await h.request('POST', INDEX, body)).json();
    expect(expected).toHaveLength(1);
    for (const url of [
      '/API/Environment/test/OnHand/IndexQuery',
      '/api/environment/test/onhand/indexQuery',
      '/api/environment/TEST/onhand/indexquery',
    ]) {
      const res = await h.request('POST', url, body);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(expected);
    }
    const exact = await h.request('POST', `${ENV}/onhand/exactQuery`, {
      filters: {
        organizationId: ['usmf'],
        productId: [productId],
        dimensions: ['siteId', 'locationId'],
        values: [['1', '11']],
      },
    });
    expect(exact.statusCode).toBe(200);
    expect(exact.json()).toHaveLength(1);
  });

  it('a trailing slash is ignored (POST …/onhand/)', async () => {
    const res = await h.request(
      'POST',
      `${ONHAND}/`,
      tshirtEvent('routing-slash', { productId: 'compat-slash' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'routing-slash', processingStatus: 'success' });
    expect(await inboundOf(h, 'compat-slash')).toBe(1);
    const query = await h.request('POST', `${INDEX}/`, body);
    expect(query.statusCode).toBe(200);
  });

  it('JSON keys are case-insensitive in writes (ProductID, organizationid, SiteId, Quantities)', async () => {
    const res = await h.request('POST', ONHAND, {
      ID: 'routing-keys',
      organizationid: 'usmf',
      ProductID: 'compat-keys',
      DimensionDataSource: 'pos',
      Dimensions: { SiteId: '1', LOCATIONID: '11', ColorID: 'Blue' },
      Quantities: { POS: { InBound: 3 } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe('routing-keys');
    const rows: RowJson[] = (
      await h.request('POST', INDEX, {
        Filters: { OrganizationId: ['usmf'], productid: ['compat-keys'], SITEID: ['1'], locationId: ['11'] },
        GroupByValues: ['COLORID'],
        ReturnNegative: true,
      })
    ).json();
    expect(rows).toMatchObject([
      { productId: 'compat-keys', dimensions: { ColorId: 'Blue', siteid: '1', locationid: '11' } },
    ]);
    expect(rows[0]!.quantities.pos).toMatchObject({ inbound: 3 });
  });

  it('quantities may be numeric strings ("10", "-2.5", "1e1")', async () => {
    const product = 'compat-strings';
    await post(h, 'strings-1', { productId: product, quantities: { pos: { inbound: '10' } } });
    expect(await inboundOf(h, product)).toBe(10);
    await post(h, 'strings-2', { productId: product, quantities: { pos: { inbound: '-2.5' } } });
    await post(h, 'strings-3', { productId: product, quantities: { pos: { inbound: '1e1' } } });
    expect(await inboundOf(h, product)).toBe(17.5);
  });
});

describe('Api-Version (spec §2.1, §2.7.2, §2.7.4)', () => {
  const productId = 'compat-versions';
  const query = (organizationId: string[] = ['usmf']) => ({
    filters: { organizationId, productId: [productId] },
    groupByValues: ['colorId'],
  });

  beforeAll(async () => {
    await post(h, 'ver-1', {
      productId,
      ...at('1', '13', { colorId: 'red' }),
      quantities: { pos: { inbound: 1 } },
    });
    await post(h, 'ver-2', {
      productId,
      ...at('1', '11', { colorId: 'red' }),
      quantities: { pos: { inbound: 2 } },
    });
    await post(h, 'ver-3', {
      productId,
      ...at('1', '12', { colorId: 'blue' }),
      quantities: { pos: { inbound: 3 } },
    });
    await post(h, 'ver-4', {
      productId,
      ...at('1', '11', { colorId: 'blue' }),
      quantities: { pos: { inbound: 4 } },
    });
    await post(h, 'ver-5', {
      productId,
      organizationId: 'org2',
      ...at('1', '11'),
      quantities: { pos: { inbound: 5 } },
    });
  });

  it('a missing Api-Version behaves as 1.0: a plain array of rows without organizationId', async () => {
    const without = await h.request('POST', INDEX, query());
    const v1 = await h.request('POST', INDEX, query(), { headers: { 'Api-Version': '1.0' } });
    expect(without.statusCode).toBe(200);
    expect(v1.statusCode).toBe(200);
    expect(without.json()).toEqual(v1.json());
    const rows: RowJson[] = without.json();
    expect(Array.isArray(rows)).toBe(true);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).not.toHaveProperty('organizationId');
  });

  it('2.0 returns { Value, nextLink } and pages by warehouse', async () => {
    const locations: string[][] = [];
    const links: string[] = [];
    let url = `${INDEX}?pageNumber=1&pageSize=1`;
    for (let page = 0; page < 5; page++) {
      const res = await h.request('POST', url, query(), { headers: V2 });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { Value: RowJson[]; nextLink: string };
      expect(Object.keys(body).sort()).toEqual(['Value', 'nextLink']);
      locations.push(body.Value.map((r) => r.dimensions.locationid!));
      links.push(body.nextLink);
      if (body.nextLink === '') break;
      url = `${ENV}/${body.nextLink}`;
    }
    expect(links).toEqual([
      'onhand/indexquery?pageNumber=2&pageSize=1',
      'onhand/indexquery?pageNumber=3&pageSize=1',
      '',
    ]);
    expect(locations).toEqual([['11', '11'], ['12'], ['13']]);

    const all = await h.request('POST', INDEX, query(), { headers: V2 });
    expect(all.json().nextLink).toBe('');
    expect(all.json().Value).toHaveLength(4);
    for (const row of all.json().Value) expect(row.organizationId).toBe('usmf');
  });

  it('several organizations are allowed in 2.0 but not in 1.0', async () => {
    const v2 = await h.request('POST', INDEX, query(['usmf', 'org2']), { headers: V2 });
    expect(v2.statusCode).toBe(200);
    const organizations = (v2.json().Value as RowJson[]).map((r) => r.organizationId);
    expect(new Set(organizations)).toEqual(new Set(['usmf', 'org2']));
    expect(v2.json().Value).toHaveLength(5);

    const v1 = await h.request('POST', INDEX, query(['usmf', 'org2']));
    expectError(v1, { status: 400, code: 'invalid_query', path: '/filters/organizationId' });
  });

  it('exact query 1.0 returns only the listed tuples (filters.dimensions)', async () => {
    const res = await h.request('POST', EXACT, {
      filters: {
        organizationId: ['usmf'],
        productId: [productId],
        dimensions: ['siteId', 'locationId', 'colorId'],
        values: [
          ['1', '11', 'red'],
          ['1', '12', 'blue'],
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const rows: RowJson[] = res.json();
    expect(
      rows.map((r) => [
        r.dimensions.ColorId,
        r.dimensions.siteid,
        r.dimensions.locationid,
        r.quantities.pos!.inbound,
      ]),
    ).toEqual([
      ['blue', '1', '12', 3],
      ['red', '1', '11', 2],
    ]);
  });

  it('exact query 2.0 takes organizationId among filters.keys, in any order', async () => {
    const res = await h.request(
      'POST',
      EXACT,
      {
        filters: {
          productId: [productId],
          keys: ['siteId', 'organizationId', 'locationId'],
          values: [
            ['1', 'usmf', '11'],
            ['1', 'org2', '11'],
          ],
        },
      },
      { headers: V2 },
    );
    expect(res.statusCode).toBe(200);
    const rows: RowJson[] = res.json();
    expect(Array.isArray(rows)).toBe(true);
    expect(rows.map((r) => r.quantities.pos!.inbound).sort()).toEqual([5, 6]);
    for (const row of rows) expect(row.dimensions).toEqual({ siteid: '1', locationid: '11' });
  });
});

describe('authentication (spec §2.1, §2.2)', () => {
  it('the bearer scheme is case-insensitive', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
      const res = await h.request('GET', `${ENV}/configuration`, undefined, {
        token: null,
        headers: { authorization: `${scheme} ${h.adminToken}` },
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('GET /health/ping answers 200 without a token', async () => {
    const res = await h.request('GET', '/health/ping', undefined, { token: null });
    expect(res.statusCode).toBe(200);
  });

  it('no Authorization → 401 unauthorized; a garbage or non-bearer token → 401; nothing applied', async () => {
    const before = await snapshot(h);
    const write = tshirtEvent('auth-denied');
    const routes: [string, string, unknown][] = [
      ['POST', ONHAND, write],
      ['POST', BULK, [write]],
      ['POST', INDEX, { filters: { organizationId: ['usmf'], productId: ['T-shirt'] } }],
      ['GET', `${ENV}/configuration`, undefined],
      ['GET', `${ENV}/ledger`, undefined],
    ];
    for (const [method, url, body] of routes) {
      expectError(await h.request(method, url, body, { token: null }), { status: 401, code: 'unauthorized' });
      expectError(await h.request(method, url, body, { token: 'garbage' }), {
        status: 401,
        code: 'invalid_token',
      });
      expectError(await h.request(method, url, body, { token: `${h.adminToken}x` }), {
        status: 401,
        code: 'invalid_token',
      });
      const basic = await h.request(method, url, body, {
        token: null,
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
      });
      expect(basic.statusCode).toBe(401);
    }
    expect(await snapshot(h)).toEqual(before);
  });

  it('a client limited to environment "other" gets 403 forbidden on "test"', async () => {
    const token = await h.tokenFor(['other']);
    const before = await snapshot(h);
    expectError(await h.request('POST', ONHAND, tshirtEvent('other-env'), { token }), {
      status: 403,
      code: 'forbidden',
    });
    expectError(
      await h.request('GET', `${ENV}/onhand?organizationId=usmf&productId=T-shirt`, undefined, { token }),
      {
        status: 403,
        code: 'forbidden',
      },
    );
    expectError(await h.request('GET', `${ENV}/configuration`, undefined, { token }), {
      status: 403,
      code: 'forbidden',
    });
    expectError(await h.request('GET', `${ENV}/ledger`, undefined, { token }), {
      status: 403,
      code: 'forbidden',
    });
    expect(await snapshot(h)).toEqual(before);
  });

  it('a non-admin client of the environment may read the configuration, write and query, but not administer', async () => {
    const token = await h.tokenFor(['test']);
    const config = await h.request('GET', `${ENV}/configuration`, undefined, { token });
    expect(config.statusCode).toBe(200);
    expect(config.json().inventorySystemConfigurations).toHaveProperty('pos');

    const write = await h.request(
      'POST',
      ONHAND,
      tshirtEvent('non-admin-write', { productId: 'compat-non-admin' }),
      { token },
    );
    expect(write.statusCode).toBe(200);
    const query = await h.request(
      'GET',
      `${ENV}/onhand?organizationId=usmf&productId=compat-non-admin`,
      undefined,
      { token },
    );
    expect(query.statusCode).toBe(200);
    expect(query.json()).toHaveLength(1);

    const before = await snapshot(h);
    const admin: [string, string, unknown][] = [
      ['POST', `${ENV}/configuration/hardupdate`, config.json()],
      ['GET', `${ENV}/allpartitionids`, undefined],
      ['DELETE', `${ENV}/partitions/cleanupalldata`, ['usmf~1~11']],
      ['DELETE', `${ENV}/cleanupalldata`, ['usmf~1~11']],
    ];
    for (const [method, url, body] of admin) {
      expectError(await h.request(method, url, body, { token }), { status: 403, code: 'forbidden' });
    }
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('GET query and grouping (spec §2.7.1, §2.7.3)', () => {
  const productId = 'compat-get';

  beforeAll(async () => {
    await post(h, 'get-1', {
      productId,
      ...at('1', '11', { colorId: 'red', sizeId: 'small' }),
      quantities: { pos: { inbound: 2 } },
    });
    await post(h, 'get-2', { productId, ...at('1', '11'), quantities: { pos: { inbound: 1 } } });
    await post(h, 'get-3', {
      productId,
      ...at('1', '12', { colorId: 'red', sizeId: 'small' }),
      quantities: { pos: { inbound: 3 } },
    });
    await post(h, 'get-4', {
      productId,
      ...at('1', '13', { colorId: 'blue' }),
      quantities: { pos: { inbound: 9 } },
    });
  });

  const postEquivalent = {
    filters: { organizationId: ['usmf'], productId: [productId], siteId: ['1'], locationId: ['11', '12'] },
    groupByValues: ['colorId', 'sizeId'],
    returnNegative: true,
  };

  it('accepts comma lists, repeated parameters and groupBy=colorId,sizeId, with the POST result', async () => {
    const expected = (await h.request('POST', INDEX, postEquivalent)).json();
    expect(expected).toHaveLength(3);
    for (const qs of [
      `organizationId=usmf&productId=${productId}&siteId=1&locationId=11,12&groupBy=colorId,sizeId&returnNegative=true`,
      `organizationId=usmf&productId=${productId}&siteId=1&locationId=11&locationId=12&groupBy=colorId&groupBy=sizeId&returnNegative=true`,
      `OrganizationId=usmf&ProductID=${productId}&SiteId=1&LocationId=11,12&GroupBy=ColorId,SizeId&ReturnNegative=TRUE`,
    ]) {
      const res = await h.request('GET', `${ENV}/onhand?${qs}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(expected);
    }
  });

  it('reports unspecified dimensions as "" in their own grouped row', async () => {
    const rows: RowJson[] = (
      await h.request(
        'GET',
        `${ENV}/onhand?organizationId=usmf&productId=${productId}&siteId=1&locationId=11&groupBy=colorId,sizeId`,
      )
    ).json();
    expect(rows.map((r) => [r.dimensions, r.quantities.pos!.inbound])).toEqual([
      [{ ColorId: '', SizeId: '', siteid: '1', locationid: '11' }, 1],
      [{ ColorId: 'red', SizeId: 'small', siteid: '1', locationid: '11' }, 2],
    ]);
  });

  it('filters on another dimension and empty location list mean all locations', async () => {
    const rows: RowJson[] = (
      await h.request(
        'GET',
        `${ENV}/onhand?organizationId=usmf&productId=${productId}&siteId=1&colorId=red&groupBy=colorId`,
      )
    ).json();
    expect(rows.map((r) => [r.dimensions.locationid, r.quantities.pos!.inbound])).toEqual([
      ['11', 2],
      ['12', 3],
    ]);
  });

  it('returnNegative=false clamps negative calculated measures to 0; true shows them; physical ones never change', async () => {
    const product = 'compat-negative';
    await post(h, 'neg-1', { productId: product, quantities: { pos: { inbound: 2, outbound: 5 } } });
    const url = (rn: string) =>
      `${ENV}/onhand?organizationId=usmf&productId=${product}&siteId=1&locationId=11${rn}`;
    const quantities = async (rn: string) =>
      ((await h.request('GET', url(rn))).json() as RowJson[])[0]!.quantities;

    const shown = await quantities('&returnNegative=true');
    expect(shown.pos).toEqual({ inbound: 2, outbound: 5, availquantity: -3 });
    expect(shown.iv!.availabletoreserve).toBe(-3);

    for (const rn of ['&returnNegative=false', '']) {
      const clamped = await quantities(rn);
      expect(clamped.pos).toEqual({ inbound: 2, outbound: 5, availquantity: 0 });
      expect(clamped.iv!.availabletoreserve).toBe(0);
    }
    const byPost: RowJson[] = (
      await h.request('POST', INDEX, {
        filters: { organizationId: ['usmf'], productId: [product], siteId: ['1'], locationId: ['11'] },
        returnNegative: true,
      })
    ).json();
    expect(byPost[0]!.quantities.pos!.availquantity).toBe(-3);
  });
});

describe('dimensionDataSource mapping (spec §1.4, §2.5)', () => {
  it('maps a data source dimension name to a base dimension on writes and queries', async () => {
    const x = await fresh();
    const config = (await x.request('GET', `${ENV}/configuration`)).json();
    config.inventorySystemConfigurations.pos.dimensionMappings = { productcolor: 'colorid' };
    const update = await x.request('POST', `${ENV}/configuration/hardupdate`, config);
    expect(update.statusCode).toBe(200);
    expect(update.json().inventorySystemConfigurations.pos.dimensionMappings).toEqual({
      productcolor: 'colorid',
    });

    const res = await x.request('POST', ONHAND, {
      id: 'mapped-1',
      organizationId: 'usmf',
      productId: 'T-shirt',
      dimensionDataSource: 'pos',
      dimensions: { siteId: '1', locationId: '11', posMachineId: '0001', ProductColor: 'red' },
      quantities: { pos: { inbound: 6 } },
    });
    expect(res.statusCode).toBe(200);

    const byBase: RowJson[] = (
      await x.request(
        'GET',
        `${ENV}/onhand?organizationId=usmf&productId=T-shirt&siteId=1&locationId=11&colorId=red&groupBy=colorId`,
      )
    ).json();
    expect(byBase.map((r) => [r.dimensions.ColorId, r.quantities.pos!.inbound])).toEqual([['red', 6]]);

    const byMapped: RowJson[] = (
      await x.request('POST', INDEX, {
        dimensionDataSource: 'pos',
        filters: {
          organizationId: ['usmf'],
          productId: ['T-shirt'],
          siteId: ['1'],
          locationId: ['11'],
          ProductColor: ['red'],
        },
        groupByValues: ['productColor'],
      })
    ).json();
    expect(byMapped.map((r) => [r.dimensions.ColorId, r.quantities.pos!.inbound])).toEqual([['red', 6]]);

    const unmapped = await x.request('POST', ONHAND, {
      id: 'mapped-2',
      organizationId: 'usmf',
      productId: 'T-shirt',
      dimensions: { siteId: '1', locationId: '11', ProductColor: 'red' },
      quantities: { pos: { inbound: 1 } },
    });
    expectError(unmapped, { status: 400, code: 'unknown_dimension', path: '/dimensions/ProductColor' });
  });
});

describe('idempotency (spec §2.3, design rule 2)', () => {
  it('the same id and body twice: same envelope, counted once, idempotent-replayed on the second', async () => {
    const productId = 'idem-same';
    const event = tshirtEvent('idem-1', { productId, quantities: { pos: { inbound: 4 } } });
    const first = await h.request('POST', ONHAND, event);
    const second = await h.request('POST', ONHAND, event);
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await inboundOf(h, productId)).toBe(4);
    expect((await readLedger(h)).filter((e) => e.eventId === 'idem-1')).toHaveLength(1);
  });

  it('keys in another case and quantity "4" vs 4 are the same body', async () => {
    const productId = 'idem-case';
    await post(h, 'idem-2', { productId, quantities: { pos: { inbound: 4 } } });
    const variants = [
      {
        ID: 'idem-2',
        OrganizationId: 'usmf',
        PRODUCTID: productId,
        DimensionDataSource: 'pos',
        Dimensions: { SiteId: '1', LocationId: '11', posMachineId: '0001', ColorId: 'red' },
        Quantities: { POS: { Inbound: '4' } },
      },
      tshirtEvent('idem-2', { productId, quantities: { pos: { inbound: '4.000' } } }),
    ];
    for (const variant of variants) {
      const res = await h.request('POST', ONHAND, variant);
      expect(res.statusCode).toBe(200);
      expect(res.headers['idempotent-replayed']).toBe('true');
      expect(res.json()).toEqual({ id: 'idem-2', processingStatus: 'success', message: '', statusCode: 200 });
    }
    expect(await inboundOf(h, productId)).toBe(4);
  });

  it('the same id with a different body → 409 event_id_conflict, nothing applied', async () => {
    const productId = 'idem-conflict';
    await post(h, 'idem-3', { productId, quantities: { pos: { inbound: 4 } } });
    const before = await snapshot(h);
    for (const overrides of [
      { quantities: { pos: { inbound: 5 } } },
      { quantities: { pos: { outbound: 4 } } },
      // Another organization is another partition: on Citus, a new event there (the next test).
      ...(onCitus ? [] : [{ organizationId: 'usmf2' }]),
    ]) {
      const res = await h.request('POST', ONHAND, tshirtEvent('idem-3', { productId, ...overrides }));
      expectError(res, { status: 409, code: 'event_id_conflict' });
      expect(res.json()).toMatchObject({ id: 'idem-3', processingStatus: 'conflict', statusCode: 409 });
    }
    expect(await snapshot(h)).toEqual(before);
    expect(await inboundOf(h, productId)).toBe(4);
  });

  // docs/operations.md, "What is different on Citus": event ids are unique per environment, kind of
  // write and partition there, so that the idempotency check stays on the write's own shard.
  it.runIf(onCitus)(
    'on Citus, the same id with a body for another partition is applied there as a new event',
    async () => {
      const productId = 'idem-partition';
      await post(h, 'idem-7', { productId, quantities: { pos: { inbound: 4 } } });
      await post(h, 'idem-7', { productId, organizationId: 'usmf2', quantities: { pos: { inbound: 3 } } });
      expect(await inboundOf(h, productId)).toBe(4);
      expect(await inboundOf(h, productId, 'usmf2')).toBe(3);
      // Each is still idempotent in its own partition.
      await post(h, 'idem-7', { productId, organizationId: 'usmf2', quantities: { pos: { inbound: 3 } } });
      const conflict = await h.request(
        'POST',
        ONHAND,
        tshirtEvent('idem-7', { productId, quantities: { pos: { inbound: 5 } } }),
      );
      expectError(conflict, { status: 409, code: 'event_id_conflict' });
      expect(await inboundOf(h, productId, 'usmf2')).toBe(3);
      expect(await inboundOf(h, productId)).toBe(4);
    },
  );

  it('a bulk holding the same id twice with the same body counts once; with another body it is a conflict', async () => {
    const productId = 'idem-bulk';
    const event = tshirtEvent('idem-4', { productId, quantities: { pos: { inbound: 2 } } });
    const res = await h.request('POST', BULK, [event, event]);
    expect(res.statusCode).toBe(200);
    expect(res.json().success).toHaveLength(2);
    expect(await inboundOf(h, productId)).toBe(2);

    const mixed = await h.request('POST', BULK, [
      tshirtEvent('idem-5', { productId, quantities: { pos: { inbound: 1 } } }),
      tshirtEvent('idem-5', { productId, quantities: { pos: { inbound: 7 } } }),
      event,
    ]);
    expect(mixed.statusCode).toBe(200);
    const body = mixed.json();
    expect(body.success.map((e: { id: string }) => e.id)).toEqual(['idem-5', 'idem-4']);
    expect(body.conflict).toMatchObject([
      { id: 'idem-5', processingStatus: 'conflict', statusCode: 409, code: 'event_id_conflict' },
    ]);
    expect(await inboundOf(h, productId)).toBe(3);
  });

  it('a failed event id is not remembered: the corrected event with the same id is applied', async () => {
    const productId = 'idem-failed';
    const bad = await h.request(
      'POST',
      ONHAND,
      tshirtEvent('idem-6', { productId, quantities: { pos: { nope: 1 } } }),
    );
    expectError(bad, { status: 400, code: 'unknown_measure', path: '/quantities/pos/nope' });
    await post(h, 'idem-6', { productId, quantities: { pos: { inbound: 1 } } });
    expect(await inboundOf(h, productId)).toBe(1);
  });
});

describe('set on-hand (spec §2.6)', () => {
  const SET = `${ENV}/setonhand/pos/bulk`;
  const count = (id: string, productId: string, inbound: number | string, modifiedDateTimeUTC?: string) =>
    tshirtEvent(id, {
      productId,
      quantities: { pos: { inbound } },
      ...(modifiedDateTimeUTC ? { modifiedDateTimeUTC } : {}),
    });

  it('sets the absolute value, whatever was there before', async () => {
    const productId = 'set-absolute';
    await post(h, 'set-abs-change', { productId, quantities: { pos: { inbound: 5, outbound: 1 } } });
    const res = await h.request('POST', SET, [count('set-abs-1', productId, 100)]);
    expect(res.statusCode).toBe(200);
    expect(res.json().success).toEqual([
      { id: 'set-abs-1', processingStatus: 'success', message: '', statusCode: 200 },
    ]);
    const rows: RowJson[] = (
      await h.request('GET', `${ENV}/onhand?organizationId=usmf&productId=${productId}`)
    ).json();
    expect(rows[0]!.quantities.pos).toEqual({ inbound: 100, outbound: 1, availquantity: 99 });
    await post(h, 'set-abs-change-2', { productId, quantities: { pos: { inbound: -10 } } });
    expect(await inboundOf(h, productId)).toBe(90);
  });

  it('an older count does not overwrite a newer one and says so; an equal or newer one does', async () => {
    const productId = 'set-dated';
    const apply = async (id: string, inbound: number, when: string) => {
      const res = await h.request('POST', SET, [count(id, productId, inbound, when)]);
      expect(res.statusCode).toBe(200);
      const [envelope] = res.json().success;
      expect(envelope).toMatchObject({ id, processingStatus: 'success', statusCode: 200 });
      return envelope.message as string;
    };
    expect(await apply('dated-1', 100, '2024-01-02T00:00:00Z')).toBe('');
    const stale = await apply('dated-2', 50, '2024-01-01T23:59:59Z');
    expect(stale).toMatch(/pos\.inbound/);
    expect(stale).toMatch(/newer/i);
    expect(await inboundOf(h, productId)).toBe(100);

    expect(await apply('dated-3', 70, '2024-01-02T01:00:00+01:00')).toBe('');
    expect(await inboundOf(h, productId)).toBe(70);
    expect(await apply('dated-4', 80, '2024-01-03')).toBe('');
    expect(await inboundOf(h, productId)).toBe(80);
    expect(await apply('dated-5', 10, '2024-01-02T12:00:00')).not.toBe('');
    expect(await inboundOf(h, productId)).toBe(80);
  });

  it('a count naming another data source than the path fails with inventory_system_mismatch', async () => {
    const productId = 'set-mismatch';
    const res = await h.request('POST', `${ENV}/setonhand/iom/bulk`, [
      count('mismatch-1', productId, 5),
      tshirtEvent('mismatch-2', { productId, quantities: { iom: { onhand: 5 } } }),
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.failure).toMatchObject([
      {
        id: 'mismatch-1',
        processingStatus: 'failure',
        statusCode: 400,
        code: 'inventory_system_mismatch',
        details: [{ code: 'inventory_system_mismatch', path: '/0/quantities/pos' }],
      },
    ]);
    expect(body.success.map((e: { id: string }) => e.id)).toEqual(['mismatch-2']);
    expect(await inboundOf(h, productId)).toBe(0);
  });

  it('the inventory system in the path is case-insensitive and counts are idempotent', async () => {
    const productId = 'set-idem';
    const item = count('set-idem-1', productId, 12, '2024-05-01T00:00:00Z');
    const first = await h.request('POST', `${ENV}/setonhand/POS/bulk`, [item]);
    expect(first.json().success).toHaveLength(1);
    await post(h, 'set-idem-change', { productId, quantities: { pos: { inbound: 1 } } });
    const replay = await h.request('POST', `${ENV}/setonhand/pos/bulk`, [item]);
    expect(replay.json().success).toEqual(first.json().success);
    expect(await inboundOf(h, productId)).toBe(13);
  });
});

describe('partition administration and the ledger (spec §2.4 rows 25, 30, 31)', () => {
  let x: Harness;

  beforeAll(async () => {
    x = await fresh();
    await post(x, 'adm-1', {
      ...at('1', '11', { colorId: 'red' }),
      quantities: { pos: { inbound: 5, outbound: 1 } },
    });
    await post(x, 'adm-2', { ...at('1', '11'), quantities: { pos: { inbound: 0.5 } } });
    await post(x, 'adm-3', { ...at('1', '12', { colorId: 'red' }), quantities: { pos: { inbound: 7 } } });
    await post(x, 'adm-4', { ...at('2', '21'), productId: 'Jeans', quantities: { pos: { inbound: 2 } } });
    await post(x, 'adm-5', { ...at('2', '22'), quantities: { pos: { inbound: 3 } } });
    const set = await x.request('POST', `${ENV}/setonhand/pos/bulk`, [
      tshirtEvent('adm-set', { ...at('1', '12', { colorId: 'red' }), quantities: { pos: { inbound: 4 } } }),
    ]);
    expect(set.json().success).toHaveLength(1);
  });

  /** Stored pos quantities per key, in millionths, read through the query API. */
  async function stored(): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    for (const productId of ['T-shirt', 'Jeans']) {
      const rows: RowJson[] = (
        await x.request('GET', `${ENV}/onhand?organizationId=usmf&productId=${productId}&groupBy=colorId`)
      ).json();
      for (const row of rows) {
        for (const [measure, value] of Object.entries(row.quantities.pos ?? {})) {
          if (measure === 'availquantity') continue;
          const key = JSON.stringify([
            productId,
            row.dimensions.siteid,
            row.dimensions.locationid,
            row.dimensions.ColorId,
            measure,
          ]);
          if (value !== 0) out.set(key, toMicro(value));
        }
      }
    }
    return out;
  }

  /** Sum of ledger deltas per key, in millionths. */
  async function ledgerSums(): Promise<Map<string, bigint>> {
    const sums = new Map<string, bigint>();
    for (const entry of await readLedger(x)) {
      for (const change of entry.changes) {
        expect(change.dataSource).toBe('pos');
        const d = change.dimensions;
        const key = JSON.stringify([
          change.productId,
          d.siteid,
          d.locationid,
          d.colorid ?? '',
          change.measure,
        ]);
        sums.set(key, (sums.get(key) ?? 0n) + ledgerDeltaMicro(change.delta));
      }
    }
    for (const [key, value] of sums) if (value === 0n) sums.delete(key);
    return sums;
  }

  it('GET allpartitionids lists "org~site~location" ids of the partitions that hold data', async () => {
    const res = await x.request('GET', `${ENV}/allpartitionids`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(['usmf~1~11', 'usmf~1~12', 'usmf~2~21', 'usmf~2~22']);
    expect(await ledgerSums()).toEqual(await stored());
  });

  it('an unknown partition id → 404 partition_not_found and nothing is deleted', async () => {
    const before = await snapshot(x);
    for (const body of [['usmf~9~99'], ['usmf~1~11', 'usmf~9~99']]) {
      expectError(await x.request('DELETE', `${ENV}/partitions/cleanupalldata`, body), {
        status: 404,
        code: 'partition_not_found',
      });
    }
    expect(await snapshot(x)).toEqual(before);
  });

  it('DELETE partitions/cleanupalldata empties the given partition only, and the ledger records it', async () => {
    const res = await x.request('DELETE', `${ENV}/partitions/cleanupalldata`, ['usmf~1~11']);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deletedPartitions: ['usmf~1~11'], deletedRows: 3 });
    expect(
      (
        await x.request('GET', `${ENV}/onhand?organizationId=usmf&productId=T-shirt&siteId=1&locationId=11`)
      ).json(),
    ).toEqual([]);
    expect((await x.request('GET', `${ENV}/allpartitionids`)).json()).toEqual([
      'usmf~1~12',
      'usmf~2~21',
      'usmf~2~22',
    ]);
    const rows: RowJson[] = (
      await x.request('GET', `${ENV}/onhand?organizationId=usmf&productId=T-shirt&siteId=1&locationId=12`)
    ).json();
    expect(rows[0]!.quantities.pos!.inbound).toBe(4);

    const cleanup = (await readLedger(x)).filter((e) => e.kind === 'partition.cleanup');
    expect(cleanup).toHaveLength(1);
    expect(cleanup[0]!.partitionId).toBe('usmf~1~11');
    expect(cleanup[0]!.changes).toHaveLength(3);
    expect(await ledgerSums()).toEqual(await stored());
  });

  it('the older DELETE cleanupalldata form does the same, for several partitions', async () => {
    const res = await x.request('DELETE', `${ENV}/cleanupalldata`, ['usmf~2~21', 'usmf~1~12']);
    expect(res.statusCode).toBe(200);
    expect(res.json().deletedPartitions.sort()).toEqual(['usmf~1~12', 'usmf~2~21']);
    expect((await x.request('GET', `${ENV}/allpartitionids`)).json()).toEqual(['usmf~2~22']);
    expect(await inboundOf(x, 'Jeans')).toBe(0);
    expect(await ledgerSums()).toEqual(await stored());
    expect([...(await stored()).values()]).toEqual([3_000_000n]);
  });

  it('writes after a cleanup start again from zero, and the ledger still adds up', async () => {
    await post(x, 'adm-6', { ...at('1', '11', { colorId: 'red' }), quantities: { pos: { inbound: 2 } } });
    expect((await x.request('GET', `${ENV}/allpartitionids`)).json()).toEqual(['usmf~1~11', 'usmf~2~22']);
    expect(await ledgerSums()).toEqual(await stored());
  });
});
