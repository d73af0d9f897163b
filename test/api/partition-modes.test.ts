import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Partition schemas and modes of spec §1.8 and the behaviours the vendor's tests recorded under them
 * [EX]: by location with partitionConfiguration { useProductId, useDimensions } both true
 * (ByLocationAndProductIdMod64), by product, and the set-up calls updatePartitionSchema and
 * updateEnvIdInConfig (spec §2.4 rows 26, 27). Environments are configured with the vendor's sample
 * runtime configuration (test/fixtures), as the vendor's suite configures its own.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ environments: [] });
});
afterAll(() => h?.close());

const sample = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../fixtures/runtime-configuration.sample.json', import.meta.url), 'utf8'));

async function install(env: string, overrides: Record<string, unknown>): Promise<void> {
  const res = await h.request('POST', `/api/environment/${env}/configuration/hardupdate`, {
    ...sample(),
    ...overrides,
  });
  expect(res.statusCode, res.body).toBe(200);
}

const post = (env: string, path: string, body: unknown) =>
  h.request('POST', `/api/environment/${env}${path}`, body);
const SITE = { siteId: 's1', locationId: 'l1' };

const change = (id: string, productId: string, dimensions: Record<string, string>, onhand = 10) => ({
  id,
  organizationId: 'usmf',
  productId,
  dimensions,
  quantities: { iv: { onhand } },
});
const reserve = (id: string, productId: string, dimensions: Record<string, string>, quantity = 1) => ({
  id,
  organizationId: 'usmf',
  productId,
  quantity,
  quantityDataSource: '@iv',
  modifier: '@softreserved',
  ifCheckAvailForReserv: true,
  dimensions,
});
const allocate = (id: string, productId: string, dimensions: Record<string, string>, quantity = 1) => ({
  id,
  organizationId: 'usmf',
  productId,
  groups: { channel: 'web' },
  quantity,
  dimensions,
});

describe('by location with useProductId and useDimensions (ByLocationAndProductIdMod64)', () => {
  const env = 'mod64';
  beforeAll(() =>
    install(env, {
      cachePartitionIdVersion: 'ByLocationAndProductIdMod64',
      partitionConfiguration: { useProductId: true, useDimensions: true },
    }),
  );

  it('accepts an on-hand change without siteId/locationId, which a query by organization and product finds', async () => {
    const res = await post(env, '/onhand', change('m-1', 'nosite', {}, 7));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ processingStatus: 'success', statusCode: 200 });
    const rows = await post(env, '/onhand/indexquery', {
      filters: { organizationId: ['usmf'], productId: ['nosite'] },
      groupByValues: [],
    });
    expect(rows.statusCode, rows.body).toBe(200);
    expect(rows.json()).toEqual([
      expect.objectContaining({
        productId: 'nosite',
        quantities: expect.objectContaining({ iv: { onhand: 7 } }),
      }),
    ]);
  });

  it('answers an index query without site and location, and refuses an exact query with empty dimensions', async () => {
    await post(env, '/onhand', change('m-2', 'both', SITE, 5));
    const index = await post(env, '/onhand/indexquery', {
      filters: { organizationId: ['usmf'], productId: ['both'] },
      groupByValues: ['colorId'],
    });
    expect(index.statusCode).toBe(200);
    expect(index.json()).toHaveLength(1);
    const exact = await post(env, '/onhand/exactquery', {
      filters: { organizationId: ['usmf'], productId: ['both'], dimensions: [], values: [[]] },
    });
    expect(exact.statusCode).toBe(400);
    expect(exact.json().code).toBe('missing_partition_dimension');
  });

  it('refuses a reservation without site/location with statusCode 500 and an allocation with processingStatus failure', async () => {
    await post(env, '/onhand', change('m-3', 'held', SITE, 10));
    const reserved = await post(env, '/onhand/reserve', reserve('m-r1', 'held', {}));
    expect(reserved.statusCode).toBe(400);
    expect(reserved.json()).toMatchObject({ processingStatus: 'failure', statusCode: 500 });
    const allocated = await post(env, '/allocation/allocate', allocate('m-a1', 'held', {}));
    expect(allocated.json()).toMatchObject({
      processingStatus: 'failure',
      code: 'missing_partition_dimension',
    });
  });

  it('works as by location when site and location are given', async () => {
    const reserved = await post(env, '/onhand/reserve', reserve('m-r2', 'held', SITE, 2));
    expect(reserved.json()).toMatchObject({ processingStatus: 'success', statusCode: 200 });
    const allocated = await post(env, '/allocation/allocate', allocate('m-a2', 'held', SITE, 3));
    expect(allocated.json()).toMatchObject({ processingStatus: 'success', statusCode: 200 });
    const exact = await post(env, '/onhand/exactquery', {
      filters: {
        organizationId: ['usmf'],
        productId: ['held'],
        dimensions: ['siteId', 'locationId'],
        values: [['s1', 'l1']],
      },
    });
    expect(exact.json()).toEqual([
      expect.objectContaining({
        dimensions: { siteid: 's1', locationid: 'l1' },
        quantities: expect.objectContaining({
          '@iv': expect.objectContaining({ '@softreserved': 2, '@allocated': 3 }),
        }),
      }),
    ]);
  });
});

describe('strictly by location (the default partitionConfiguration)', () => {
  it('refuses an on-hand change without siteId/locationId', async () => {
    await install('strict', {
      cachePartitionIdVersion: 'ByLocationAndProductIdMod64',
      partitionConfiguration: { useProductId: false, useDimensions: true },
    });
    const res = await post('strict', '/onhand', change('s-1', 'p', {}));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      processingStatus: 'failure',
      statusCode: 400,
      code: 'missing_partition_dimension',
    });
  });
});

describe('by product (byProductId)', () => {
  const env = 'byproduct';
  beforeAll(() => install(env, {}));

  it('takes site and location as optional on every write', async () => {
    expect((await post(env, '/onhand', change('p-1', 'basket', {}, 10))).json().statusCode).toBe(200);
    expect((await post(env, '/onhand/reserve', reserve('p-r1', 'basket', {}))).json()).toMatchObject({
      processingStatus: 'success',
    });
    expect((await post(env, '/allocation/allocate', allocate('p-a1', 'basket', {}))).json()).toMatchObject({
      processingStatus: 'success',
    });
  });

  it('answers an exact query with empty dimensions for a product and refuses queries without one', async () => {
    const exact = await post(env, '/onhand/exactquery', {
      filters: { organizationId: ['usmf'], productId: ['basket'], dimensions: [], values: [[]] },
    });
    expect(exact.statusCode, exact.body).toBe(200);
    expect(exact.json()).toEqual([
      expect.objectContaining({
        productId: 'basket',
        quantities: expect.objectContaining({ iv: { onhand: 10 } }),
      }),
    ]);
    const noProduct = await post(env, '/onhand/exactquery', {
      filters: { organizationId: ['usmf'], productId: [], dimensions: [], values: [[]] },
    });
    expect(noProduct.statusCode).toBe(400);
    const index = await post(env, '/onhand/indexquery', {
      filters: { organizationId: ['usmf'], siteId: ['s1'] },
    });
    expect(index.statusCode).toBe(400);
    expect(index.json().code).toBe('invalid_query');
  });
});

describe('POST …/updatePartitionSchema?newversion=2', () => {
  it('switches an empty environment to ByLocationAndProductIdMod64 and refuses while it holds data', async () => {
    await h.request('PUT', '/api/environment/schema');
    const switched = await h.request('POST', '/api/environment/schema/updatePartitionSchema?newversion=2');
    expect(switched.statusCode, switched.body).toBe(200);
    expect(switched.json()).toMatchObject({
      cachePartitionIdVersion: 'ByLocationAndProductIdMod64',
      partitionConfiguration: { useProductId: true, useDimensions: true },
    });
    expect(switched.headers.etag).toBe(`"${switched.json().configurationVersion}"`);
    // Asking again changes nothing.
    const again = await h.request('POST', '/api/environment/schema/updatePartitionSchema?NewVersion=2');
    expect(again.json().configurationVersion).toBe(switched.json().configurationVersion);

    await post('schema', '/onhand', {
      id: 'sch-1',
      organizationId: 'usmf',
      productId: 'p',
      dimensions: {},
      quantities: { pos: { inbound: 1 } },
    });
    const refused = await h.request('POST', '/api/environment/schema/updatePartitionSchema?newversion=1');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('partition_rule_change_requires_empty');
    const ids = (await h.request('GET', '/api/environment/schema/allpartitionids')).json();
    await h.request('DELETE', '/api/environment/schema/partitions/cleanupalldata', ids);
    const back = await h.request('POST', '/api/environment/schema/updatePartitionSchema?newversion=1');
    expect(back.json()).toMatchObject({ cachePartitionIdVersion: 'ByLocation' });
  });

  it('refuses a version it does not know', async () => {
    for (const query of ['?newversion=3', '?newversion=two', '']) {
      const res = await h.request('POST', `/api/environment/schema/updatePartitionSchema${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('invalid_request');
    }
  });
});

describe('POST …/updateEnvIdInConfig?oldEnvironmentId=', () => {
  it('binds the configuration of the environment it was copied from', async () => {
    await install('source-env', { reservConfiguration: { keys: ['siteid', 'locationid', 'colorid'] } });
    const res = await h.request(
      'POST',
      '/api/environment/copy-env/updateEnvIdInConfig?oldEnvironmentId=Source-Env',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      environmentId: 'copy-env',
      configurationVersion: 1,
      reservConfiguration: { keys: ['siteid', 'locationid', 'colorid'] },
    });
    const missing = await h.request(
      'POST',
      '/api/environment/copy-env/updateEnvIdInConfig?oldEnvironmentId=nowhere',
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('environment_not_found');
    const noParam = await h.request('POST', '/api/environment/copy-env/updateEnvIdInConfig');
    expect(noParam.statusCode).toBe(400);
  });
});
