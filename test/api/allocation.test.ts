import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportToFile } from '../../src/cli/export-command.js';
import { importFromFile } from '../../src/cli/import-command.js';
import { allocationBody, queryAllocations, WEB, WEB_VIP } from '../support/allocation-helpers.js';
import { AT, expectStoreEqualsLedgerReplay, ORG, stockBody } from '../support/reservation-helpers.js';
import { describeAllocateAndMove } from './allocation/allocate-tests.js';
import { h, only, useAllocationApp } from './allocation/allocation-app.js';
import { describeConsumeAndQuery } from './allocation/consume-tests.js';
import { describeBadInputIdempotencyAndBulk } from './allocation/request-tests.js';
import { ENV } from './api-helpers.js';

/**
 * Allocation (spec §4, issue 5) through the in-process app: ring-fencing stock for group paths,
 * checked against the available-to-allocate pool; unallocate, reallocate and consume never take a
 * group below zero. Every test works on its own product.
 */

useAllocationApp();

describeAllocateAndMove();
describeConsumeAndQuery();
describeBadInputIdempotencyAndBulk();

describe('configuration', () => {
  it('answers allocation_disabled while allocation is switched off', async () => {
    expect((await h.request('PUT', '/api/environment/noalloc')).statusCode).toBe(201);
    const config = (await h.request('GET', '/api/environment/noalloc/configuration')).json();
    config.allocationConfiguration.isEnabled = false;
    const update = await h.request('POST', '/api/environment/noalloc/configuration/hardupdate', config);
    expect(update.statusCode, update.body).toBe(200);
    for (const kind of ['allocate', 'unallocate', 'consume']) {
      const res = await h.request(
        'POST',
        `/api/environment/noalloc/allocation/${kind}`,
        allocationBody('n-1', 'n', WEB, 1),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('allocation_disabled');
    }
    const query = await h.request('POST', '/api/environment/noalloc/allocation/query', {
      organizationId: ORG,
      productId: 'n',
      dimensions: AT,
    });
    expect(query.json().code).toBe('allocation_disabled');
  });

  it('answers allocation_disabled when the pool formula does not subtract @iv.@allocated', async () => {
    expect((await h.request('PUT', '/api/environment/loose')).statusCode).toBe(201);
    const config = (await h.request('GET', '/api/environment/loose/configuration')).json();
    config.allocationConfiguration.availableToAllocateCalculation = { 'pos.inbound': 'addition' };
    expect(
      (await h.request('POST', '/api/environment/loose/configuration/hardupdate', config)).statusCode,
    ).toBe(200);
    const res = await h.request(
      'POST',
      '/api/environment/loose/allocation/allocate',
      allocationBody('l-1', 'l', WEB, 1),
    );
    expect(res.json().code).toBe('allocation_disabled');
  });

  it('refuses a data source named @allocation, which holds the group state', async () => {
    const config = (await h.request('GET', `${ENV}/configuration`)).json();
    config.inventorySystemConfigurations['@allocation'] = {
      dataSourceName: '@allocation',
      dimensionMappings: {},
      physicalMeasures: ['@allocated'],
      calculatedMeasures: {},
      reservMappings: {},
    };
    const res = await h.request('POST', `${ENV}/configuration/hardupdate`, config);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('is reserved');
  });
});

describe('access', () => {
  it('needs a token for the environment on every allocation route, and a supported Api-Version', async () => {
    const other = await h.tokenFor(['elsewhere']);
    for (const kind of ['allocate', 'unallocate', 'reallocate', 'consume', 'query']) {
      const url = `${ENV}/allocation/${kind}`;
      const body = allocationBody('acc-1', 'acc', WEB, 1);
      expect((await h.request('POST', url, body, { token: null })).statusCode).toBe(401);
      const forbidden = await h.request('POST', url, body, { token: other });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().code).toBe('forbidden');
      const version = await h.request('POST', url, body, { headers: { 'api-version': '3.0' } });
      expect(version.statusCode).toBe(400);
      expect(version.json().code).toBe('invalid_request');
    }
    expect(await queryAllocations(h, 'test', 'acc')).toEqual([]);
  });

  it('lists the allocation routes in the OpenAPI document', async () => {
    const openapi = (await h.request('GET', '/openapi.json', undefined, { token: null })).json();
    const base = '/api/environment/{environmentId}/allocation';
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(
        ['allocate', 'unallocate', 'reallocate', 'consume']
          .flatMap((k) => [`${base}/${k}`, `${base}/${k}/bulk`])
          .concat(`${base}/query`),
      ),
    );
    expect(openapi.paths[`${base}/reallocate`].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ReallocateRequest',
    });
    expect(openapi.components.schemas.ReallocateRequest.required).toContain('sourceGroups');
  });
});

describe('allocation state moves with its partition', () => {
  it('is exported and imported with the environment, and answers the same afterwards', async () => {
    expect((await h.request('PUT', '/api/environment/moving')).statusCode).toBe(201);
    const put = (path: string, body: unknown) => h.request('POST', `/api/environment/moving${path}`, body);
    expect((await put('/onhand', stockBody('m-stock', 'mv', { inbound: 10 }))).statusCode).toBe(200);
    expect((await put('/allocation/allocate', allocationBody('m-1', 'mv', WEB_VIP, 6))).statusCode).toBe(200);
    expect((await put('/allocation/consume', allocationBody('m-2', 'mv', WEB_VIP, 1))).statusCode).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'onhand-allocation-move-'));
    try {
      await exportToFile(h.services.store, 'moving', join(dir, 'moving.ndjson'));
      await importFromFile(h.services.store, join(dir, 'moving.ndjson'), 'moved');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await queryAllocations(h, 'moved', 'mv')).toEqual(await queryAllocations(h, 'moving', 'mv'));
    expect(only(await queryAllocations(h, 'moved', 'mv'))).toMatchObject({ remaining: 5, consumed: 1 });
    await expectStoreEqualsLedgerReplay(h, 'moved');
    // A retry of an allocation made before the move is recognised.
    const retry = await h.request(
      'POST',
      '/api/environment/moved/allocation/allocate',
      allocationBody('m-1', 'mv', WEB_VIP, 6),
    );
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(only(await queryAllocations(h, 'moved', 'mv')).remaining).toBe(5);
  });

  it('is deleted by the clean-up of its partition, which the ledger records', async () => {
    expect((await h.request('PUT', '/api/environment/cleaned')).statusCode).toBe(201);
    const put = (path: string, body: unknown) => h.request('POST', `/api/environment/cleaned${path}`, body);
    expect((await put('/onhand', stockBody('cl-stock', 'cl', { inbound: 10 }))).statusCode).toBe(200);
    expect((await put('/allocation/allocate', allocationBody('cl-1', 'cl', WEB, 4))).statusCode).toBe(200);
    const res = await h.request('DELETE', '/api/environment/cleaned/partitions/cleanupalldata', [
      'usmf~1~11',
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(await queryAllocations(h, 'cleaned', 'cl')).toEqual([]);
    await expectStoreEqualsLedgerReplay(h, 'cleaned');
    expect((await put('/allocation/allocate', allocationBody('cl-2', 'cl', WEB, 1))).json().code).toBe(
      'insufficient_available_to_allocate',
    );
  });
});
