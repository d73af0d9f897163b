import { describe, expect, it } from 'vitest';
import type { Harness } from '../../support/harness.js';
import { ENV, expectError, inboundOf, type RowJson, snapshot, without } from '../api-helpers.js';
import { EXACT, event, INDEX, long, ONHAND, query } from './bad-cases.js';

/**
 * The rest of bad-input.test.ts (design rule 5), registered by it on its app `h()` after its other tests,
 * in the same order as before: an invalid configuration gets a clear error and changes nothing; valid
 * edge values (exact decimals, 256-character ids, unicode) are accepted; ids that cannot have been
 * stored are answered as unknown; an item key beyond its limit is refused.
 */
export function describeBadInputEdges(h: () => Harness): void {
  describe('hardupdate with an invalid configuration', () => {
    const HARDUPDATE = `${ENV}/configuration/hardupdate`;
    type Config = { inventorySystemConfigurations: Record<string, Record<string, unknown>> } & Record<
      string,
      unknown
    >;
    const current = async (): Promise<Config> => (await h().request('GET', `${ENV}/configuration`)).json();
    const withPos = (config: Config, pos: Record<string, unknown>): Config => ({
      ...config,
      inventorySystemConfigurations: {
        ...config.inventorySystemConfigurations,
        pos: { ...config.inventorySystemConfigurations.pos, ...pos },
      },
    });

    const cases: {
      name: string;
      build: (config: Config) => unknown;
      status: number;
      code: string;
      detail: string;
      path?: string;
    }[] = [
      {
        name: 'a calculated measure refers to an unknown measure',
        build: (c) =>
          withPos(c, {
            calculatedMeasures: {
              availquantity: { additionModifiers: ['pos.nope'], subtractionModifiers: [] },
            },
          }),
        status: 400,
        code: 'invalid_configuration',
        detail: 'unknown_measure_reference',
        path: '/inventorySystemConfigurations/pos/calculatedMeasures/availquantity/additionModifiers/0',
      },
      {
        name: 'data sources that the allocation settings still refer to are left out',
        build: (c) => ({ ...c, inventorySystemConfigurations: { pos: c.inventorySystemConfigurations.pos } }),
        status: 400,
        code: 'invalid_configuration',
        detail: 'unknown_measure_reference',
      },
      {
        name: 'a calculated measure refers to another calculated measure',
        build: (c) =>
          withPos(c, {
            calculatedMeasures: {
              availquantity: { additionModifiers: ['iv.availabletoreserve'], subtractionModifiers: [] },
            },
          }),
        status: 400,
        code: 'invalid_configuration',
        detail: 'nested_calculated_measure',
      },
      {
        name: 'physicalMeasures is not an array',
        build: (c) => withPos(c, { physicalMeasures: 5 }),
        status: 400,
        code: 'invalid_type',
        detail: 'invalid_type',
        path: '/inventorySystemConfigurations/pos/physicalMeasures',
      },
      {
        name: 'an unknown field',
        build: (c) => ({ ...c, foo: 1 }),
        status: 400,
        code: 'unknown_field',
        detail: 'unknown_field',
        path: '/foo',
      },
      {
        name: 'inventorySystemConfigurations is missing',
        build: (c) => without(c, 'inventorySystemConfigurations'),
        status: 400,
        code: 'missing_field',
        detail: 'missing_field',
        path: '/inventorySystemConfigurations',
      },
      {
        name: 'the body is an array',
        build: () => [1],
        status: 400,
        code: 'invalid_type',
        detail: 'invalid_type',
        path: '',
      },
    ];

    it.each(cases)('$name → $status $code ($detail), configuration unchanged', async (c) => {
      const before = await snapshot(h());
      const res = await h().request('POST', HARDUPDATE, c.build(await current()));
      expectError(res, { status: c.status, code: c.code, ...(c.path === undefined ? {} : { path: c.path }) });
      expect(res.json().details.map((d: { code: string }) => d.code)).toContain(c.detail);
      expect(await snapshot(h())).toEqual(before);
    });
  });

  describe('valid edge values are accepted', () => {
    const post = (id: string, productId: string, inbound: unknown, extra: Record<string, unknown> = {}) =>
      h().request('POST', ONHAND, event(id, { productId, quantities: { pos: { inbound } }, ...extra }));

    it('negative and fractional quantities add up exactly (0.1 + 0.2 = 0.3)', async () => {
      const productId = 'exact-sums';
      for (const [id, value] of [
        ['exact-1', 0.1],
        ['exact-2', '0.2'],
      ] as const) {
        expect((await post(id, productId, value)).statusCode).toBe(200);
      }
      const url = `${ENV}/onhand?organizationId=usmf&productId=${productId}&siteId=1&locationId=11`;
      const res = await h().request('GET', url);
      expect(res.body).toContain('"inbound":0.3');
      expect(res.body).not.toContain('0.30000000000000004');
      expect(await inboundOf(h(), productId)).toBe(0.3);

      expect((await post('exact-3', productId, -3)).statusCode).toBe(200);
      expect((await post('exact-4', productId, 0.25)).statusCode).toBe(200);
      expect(await inboundOf(h(), productId)).toBe(-2.45);
      expect((await post('exact-5', productId, '0.000001')).statusCode).toBe(200);
      expect((await h().request('GET', url)).body).toContain('"inbound":-2.449999');
    });

    it.each([
      ['1e12', 1e12, 1e12],
      ['-1e12', -1e12, -1e12],
      ['"1e3"', '1e3', 1000],
      ['" 10 "', ' 10 ', 10],
      ['"+5"', '+5', 5],
      ['"1.0000000" (trailing zeros)', '1.0000000', 1],
      ['0 (a no-op change)', 0, 0],
    ])('quantity %s is accepted', async (label, value, expected) => {
      const productId = `edge-${label}`;
      const res = await post(`edge-${label}`, productId, value);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        id: `edge-${label}`,
        processingStatus: 'success',
        message: '',
        statusCode: 200,
      });
      expect(await inboundOf(h(), productId)).toBe(expected);
    });

    it('ids and dimension values of exactly 256 characters are accepted', async () => {
      const id = long(256, 'i');
      const productId = long(256, 'p');
      const res = await h().request(
        'POST',
        ONHAND,
        event(id, { productId, dimensions: { siteId: '1', locationId: '11', colorId: long(256, 'c') } }),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe(id);
      const rows: RowJson[] = (
        await h().request('POST', INDEX, query({ productId: [productId] }, { groupByValues: ['colorId'] }))
      ).json();
      expect(rows.map((r) => r.dimensions.ColorId)).toEqual([long(256, 'c')]);
    });

    it('unicode ids and values (emoji, CJK, RTL) are accepted and returned unchanged', async () => {
      const organizationId = 'مؤسسة';
      const productId = '产品-😀-שלום';
      const dimensions = { siteId: 'שלום', locationId: '倉庫', colorId: '🔴', sizeId: 'Größe-XL' };
      const id = 'ü-😀-中文-עברית';
      const res = await h().request('POST', ONHAND, event(id, { organizationId, productId, dimensions }));
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe(id);

      const expectedRow = {
        productId,
        dimensions: { ColorId: '🔴', SizeId: 'Größe-XL', siteid: 'שלום', locationid: '倉庫' },
      };
      const byPost: RowJson[] = (
        await h().request('POST', INDEX, {
          filters: {
            organizationId: [organizationId],
            productId: [productId],
            siteId: ['שלום'],
            locationId: ['倉庫'],
            colorId: ['🔴'],
          },
          groupByValues: ['colorId', 'sizeId'],
        })
      ).json();
      expect(byPost).toMatchObject([expectedRow]);
      expect(byPost[0]!.quantities.pos!.inbound).toBe(1);

      const params = new URLSearchParams({
        organizationId,
        productId,
        siteId: 'שלום',
        groupBy: 'colorId,sizeId',
      });
      const byGet: RowJson[] = (await h().request('GET', `${ENV}/onhand?${params}`)).json();
      expect(byGet).toMatchObject([expectedRow]);

      const exact: RowJson[] = (
        await h().request('POST', EXACT, {
          filters: {
            organizationId: [organizationId],
            productId: [productId],
            dimensions: ['siteId', 'locationId', 'colorId', 'sizeId'],
            values: [['שלום', '倉庫', '🔴', 'Größe-XL']],
          },
        })
      ).json();
      expect(exact).toMatchObject([expectedRow]);
      expect((await h().request('GET', `${ENV}/allpartitionids`)).json()).toContain('مؤسسة~שלום~倉庫');
    });
  });

  describe('ids that can never have been stored are not even looked up', () => {
    it('answers a NUL in a reservation id, a client id or an adjustment line id as unknown, on every backend', async () => {
      const get = await h().request('GET', `${ENV}/onhand/reservations/%00abc`);
      expect(get.statusCode).toBe(404);
      expect(get.json().code).toBe('reservation_not_found');
      const extend = await h().request('POST', `${ENV}/onhand/reservations/%00abc/extend`, { ttlSeconds: 5 });
      expect(extend.statusCode).toBe(404);
      // A partition hint that decodes to a NUL (Citus reads the hinted shard first) is no hint.
      const forged = await h().request('GET', `${ENV}/onhand/reservations/r1.AA`);
      expect(forged.statusCode, forged.body).toBe(404);
      expect(forged.json().code).toBe('reservation_not_found');
      const token = await h().request('POST', '/oauth2/token', undefined, {
        token: null,
        rawBody: 'grant_type=client_credentials&client_id=%00x&client_secret=y',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(token.statusCode).toBe(401);
      expect(token.json().code).toBe('invalid_client');
      const sync = await h().request('POST', `${ENV}/transaction/adjustment/syncstatus`, [
        { id: '\u0000', syncStatus: 'Sent' },
        { id: 'a\u0000b', syncStatus: 'FnOSyncEnqueued' },
      ]);
      expect(sync.statusCode, sync.body).toBe(200);
      expect(sync.json().notFound).toMatchObject([
        { id: 'a\u0000b', code: 'adjustment_not_found', statusCode: 404 },
      ]);
    });
  });

  describe('the size of an item key', () => {
    it('accepts long multi-byte ids within the key limit and refuses ones beyond it, on every backend', async () => {
      const cjk = (n: number) => '在庫'.repeat(n / 2);
      const fits = await h().request(
        'POST',
        `${ENV}/onhand`,
        event('key-fits', { productId: cjk(256), organizationId: 'usmf' }),
      );
      expect(fits.statusCode, fits.body).toBe(200);
      const tooLong = event('key-too-long', {
        organizationId: cjk(200),
        productId: cjk(256),
        dimensions: { siteId: cjk(100), locationId: '11', colorId: 'red' },
      });
      const before = await snapshot(h());
      const refused = await h().request('POST', `${ENV}/onhand`, tooLong);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().code).toBe('value_too_long');
      expect(await snapshot(h())).toEqual(before);
    });
  });
}
