import { beforeAll, describe, expect, it } from 'vitest';
import { tshirtEvent } from '../../support/harness.js';
import { ENV, expectError, inboundOf, type RowJson } from '../api-helpers.js';
import { at, EXACT, h, INDEX, ONHAND, post, V2 } from './compat-app.js';

/**
 * Routing, JSON keys and quantities (spec §2.1) and Api-Version (§2.1, §2.7.2, §2.7.4): part of
 * compatibility.test.ts, registered there in its order on its app.
 */
export function describeRoutingAndVersions(): void {
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
          Filters: {
            OrganizationId: ['usmf'],
            productid: ['compat-keys'],
            SITEID: ['1'],
            locationId: ['11'],
          },
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
}
