import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import { type Harness, startHarness } from '../support/harness.js';
import { AT, measureAt, ORG, units } from '../support/reservation-helpers.js';
import { readLedger } from './api-helpers.js';

/**
 * Issue 20, "never count twice, exactly": counts (set on-hand) keep their first outcome across a
 * configuration change, and their effective times are instants in a documented range. Like every API
 * test, this runs on SQLite and, when ONHAND_TEST_POSTGRES_URL is set, on PostgreSQL.
 */
describe('counts', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ environments: [] });
  });
  afterAll(() => h?.close());

  const url = (env: string, path: string) => `/api/environment/${env}${path}`;

  const count = (
    id: string,
    productId: string,
    quantities: Record<string, Record<string, number>>,
    time?: string,
  ) => ({
    id,
    organizationId: ORG,
    productId,
    dimensions: { ...AT },
    quantities,
    ...(time === undefined ? {} : { modifiedDateTimeUTC: time }),
  });

  async function hardUpdate(env: string, edit: (c: RuntimeConfiguration) => void): Promise<void> {
    const config = (await h.request('GET', url(env, '/configuration'))).json() as RuntimeConfiguration;
    edit(config);
    const { configurationVersion: _version, ...body } = config;
    const res = await h.request('POST', url(env, '/configuration/hardupdate'), body);
    expect(res.statusCode, res.body).toBe(200);
  }

  describe('a retry after its data source was removed', () => {
    const SHOP_COUNT = count('count-1', 'kettle', { shop: { counted: 5 } }, '2026-01-01T10:00:00Z');

    beforeAll(async () => {
      expect((await h.request('PUT', url('moved', ''))).statusCode).toBe(201);
      await hardUpdate('moved', (c) => {
        c.inventorySystemConfigurations.shop = {
          dataSourceName: 'shop',
          dimensionMappings: {},
          physicalMeasures: ['counted'],
          calculatedMeasures: {},
          reservMappings: {},
        };
      });
    });

    it('is answered with its first outcome, and nothing is written again', async () => {
      const first = await h.request('POST', url('moved', '/setonhand/shop/bulk'), [SHOP_COUNT]);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().success).toHaveLength(1);
      await hardUpdate('moved', (c) => {
        delete c.inventorySystemConfigurations.shop;
      });
      const entries = (await readLedger(h, 'moved')).length;

      const retry = await h.request('POST', url('moved', '/setonhand/shop/bulk'), [SHOP_COUNT]);
      expect(retry.statusCode, retry.body).toBe(200);
      expect(retry.json()).toEqual(first.json());
      expect((await readLedger(h, 'moved')).length).toBe(entries);
    });

    it('with a changed body is a conflict', async () => {
      const changed = { ...SHOP_COUNT, quantities: { shop: { counted: 6 } } };
      const res = await h.request('POST', url('moved', '/setonhand/shop/bulk'), [changed]);
      expect(res.statusCode).toBe(200);
      expect(res.json().conflict).toEqual([
        expect.objectContaining({ id: 'count-1', processingStatus: 'conflict' }),
      ]);
    });

    it('beside a new count: the retry is replayed, the new count fails on its own', async () => {
      const fresh = count('count-2', 'kettle', { shop: { counted: 9 } });
      const res = await h.request('POST', url('moved', '/setonhand/shop/bulk'), [SHOP_COUNT, fresh]);
      expect(res.statusCode).toBe(200);
      const body = res.json() as Record<string, { id: string; processingStatus: string }[]>;
      expect(body.success?.map((o) => o.id)).toEqual(['count-1']);
      expect(body.failure?.map((o) => [o.id, o.processingStatus])).toEqual([['count-2', 'failure']]);
    });

    it('while a request of new counts alone still fails as a whole with unknown_data_source', async () => {
      const res = await h.request('POST', url('moved', '/setonhand/shop/bulk'), [
        count('count-3', 'kettle', { shop: { counted: 9 } }),
      ]);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('unknown_data_source');
    });
  });

  describe('dated beyond year 9999', () => {
    beforeAll(async () => {
      expect((await h.request('PUT', url('dated', ''))).statusCode).toBe(201);
    });

    const inbound = () => measureAt(h, 'dated', 'kettle', AT, 'pos', 'inbound');

    it('is refused with invalid_datetime and changes nothing', async () => {
      const entries = (await readLedger(h, 'dated')).length;
      const res = await h.request('POST', url('dated', '/setonhand/pos/bulk'), [
        count('late-1', 'kettle', { pos: { inbound: 10 } }, '9999-12-31T23:00:00-02:00'),
      ]);
      expect(res.statusCode).toBe(200);
      const [failed] = res.json().failure as { id: string; code?: string; message: string }[];
      expect(failed).toMatchObject({ id: 'late-1', processingStatus: 'failure' });
      expect(failed?.message).toContain('outside the supported range');
      expect((await readLedger(h, 'dated')).length).toBe(entries);
      expect(await inbound()).toBe(0n);
    });

    it('while the last instant of 9999 is accepted, and an older count after it is not applied', async () => {
      const last = await h.request('POST', url('dated', '/setonhand/pos/bulk'), [
        count('late-2', 'kettle', { pos: { inbound: 10 } }, '9999-12-31T21:59:59.999-02:00'),
      ]);
      expect(last.json().success).toHaveLength(1);
      const older = await h.request('POST', url('dated', '/setonhand/pos/bulk'), [
        count('late-3', 'kettle', { pos: { inbound: 3 } }, '2020-01-01T00:00:00Z'),
      ]);
      expect(older.json().success).toEqual([
        expect.objectContaining({
          id: 'late-3',
          message: expect.stringContaining('Not applied to pos.inbound'),
        }),
      ]);
      expect(await inbound()).toBe(units(10));
    });
  });
});
