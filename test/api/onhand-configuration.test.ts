import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { tshirtQuery } from './api-helpers.js';

/* Configurations set and edited (hard updates, new environments), and retries across them. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ environments: ['test', 'shop'] });
});
afterAll(() => h.close());

const E = '/api/environment/test';

describe('configuration', () => {
  it('accepts the vendor sample configuration through hardupdate and returns it from GET', async () => {
    const sample = JSON.parse(
      readFileSync(new URL('../fixtures/runtime-configuration.sample.json', import.meta.url), 'utf8'),
    );
    const put = await h.request('POST', '/api/environment/sample/configuration/hardupdate', sample);
    expect(put.statusCode).toBe(200);
    const got = (await h.request('GET', '/api/environment/sample/configuration')).json();
    expect(got.environmentId).toBe('sample');
    expect(got.configurationVersion).toBe(1);
    expect(got.cachePartitionIdVersion).toBe('byProductId');
    expect(got.inventorySystemConfigurations['@iv'].reservMappings).toEqual({
      '@softreserved': '@iv.@available_to_reserve',
    });
    const again = await h.request('POST', '/api/environment/sample/configuration/hardupdate', got);
    expect(again.json().configurationVersion).toBe(2);
  });

  it('lets a new environment start from the default configuration', async () => {
    const created = await h.request('PUT', '/api/environment/NewOne');
    expect(created.statusCode).toBe(201);
    expect(created.json().environmentId).toBe('newone');
    expect((await h.request('PUT', '/api/environment/newone')).statusCode).toBe(200);
    const config = (await h.request('GET', '/api/environment/newone/configuration')).json();
    expect(Object.keys(config.inventorySystemConfigurations).sort()).toEqual([
      '@iv',
      'erp',
      'fno',
      'iom',
      'iv',
      'pos',
    ]);
  });
});

describe('retries and edits', () => {
  it('replays a retried count that carried no modifiedDateTimeUTC instead of calling it a conflict', async () => {
    const count = tshirtEvent('Count-no-time', { productId: 'socks', quantities: { pos: { inbound: 7 } } });
    const first = await h.request('POST', `${E}/setonhand/pos/bulk`, [count]);
    const retry = await h.request('POST', `${E}/setonhand/pos/bulk`, [count]);
    expect(first.json().success).toHaveLength(1);
    expect(retry.json()).toEqual(first.json());
  });

  it('applies a hard update whatever configurationVersion it carries, and refuses a stale If-Match', async () => {
    const current = (await h.request('GET', `${E}/configuration`)).json();
    const older = { ...current, configurationVersion: current.configurationVersion - 1 };
    const accepted = await h.request('POST', `${E}/configuration/hardupdate`, older);
    expect(accepted.json().configurationVersion).toBe(current.configurationVersion + 1);
    const refused = await h.request('POST', `${E}/configuration/hardupdate`, current, {
      headers: { 'if-match': `"${current.configurationVersion}"` },
    });
    expect(refused.statusCode).toBe(412);
    expect(refused.json().code).toBe('configuration_version_conflict');
  });

  it('accepts a hard update with only custom data sources, switching allocation off', async () => {
    const response = await h.request('POST', '/api/environment/custom/configuration/hardupdate', {
      inventorySystemConfigurations: { shop: { physicalMeasures: ['onhand'] } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().allocationConfiguration.isEnabled).toBe(false);
  });

  it('no longer reports a measure once it is removed from the configuration', async () => {
    await h.request('PUT', '/api/environment/shrink');
    await h.request(
      'POST',
      '/api/environment/shrink/onhand',
      tshirtEvent('s1', { quantities: { pos: { inbound: 1 }, iom: { onhand: 4 } } }),
    );
    const config = (await h.request('GET', '/api/environment/shrink/configuration')).json();
    delete config.inventorySystemConfigurations.iom;
    delete config.configurationVersion;
    expect(
      (await h.request('POST', '/api/environment/shrink/configuration/hardupdate', config)).statusCode,
    ).toBe(200);
    const rows = (await h.request('POST', '/api/environment/shrink/onhand/indexquery', tshirtQuery)).json();
    expect(rows[0].quantities.iom).toBeUndefined();
    expect(rows[0].quantities.pos.inbound).toBe(1);
  });
});
