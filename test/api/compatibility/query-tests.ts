import { beforeAll, describe, expect, it } from 'vitest';
import { ENV, expectError, type RowJson } from '../api-helpers.js';
import { at, fresh, h, INDEX, ONHAND, post } from './compat-app.js';

/**
 * GET query and grouping (spec §2.7.1, §2.7.3) and dimensionDataSource mapping (§1.4, §2.5): part of
 * compatibility.test.ts, registered there in its order.
 */
export function describeQueries(): void {
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
}
