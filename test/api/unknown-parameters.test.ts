import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { fillPath, ROUTE_ROLES } from '../support/route-table.js';
import { ENV, type LedgerJson } from './api-helpers.js';

/**
 * Onhand's extension routes refuse query parameters they do not declare (400 unknown_parameter), so
 * `…/ledger?productId=MUG` cannot silently return every entry; the Inventory Visibility routes ignore
 * them, as the vendor's service does (docs/errors.md, docs/api.md).
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  for (const id of ['up-1', 'up-2']) {
    const res = await h.request(
      'POST',
      `${ENV}/onhand`,
      tshirtEvent(id, { productId: id === 'up-1' ? 'MUG' : 'CUP' }),
    );
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(() => h?.close());

describe('extension routes', () => {
  it('…/ledger?productId=MUG is refused, saying which parameters the ledger takes', async () => {
    const res = await h.request('GET', `${ENV}/ledger?productId=MUG`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'unknown_parameter',
      message: 'Unknown query parameter "productId". Allowed: after, afterSeq, limit.',
      details: [
        { code: 'unknown_parameter', path: 'query:productId', message: 'Allowed: after, afterSeq, limit.' },
      ],
    });
  });

  it('the ledger still answers its own parameters', async () => {
    const res = await h.request('GET', `${ENV}/ledger?after=0&limit=1`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as LedgerJson[]).length).toBe(1);
    const feed = await h.request('GET', `${ENV}/feed?after=0&limit=10&productId=MUG`);
    expect(feed.statusCode, feed.body).toBe(200);
    expect((feed.json() as { entries: unknown[] }).entries.length).toBe(1);
  });

  it('a refused request changes nothing: an offset with an unknown parameter is not applied', async () => {
    const before = (await h.request('GET', `${ENV}/ledger?limit=1000`)).json() as LedgerJson[];
    const res = await h.request('POST', `${ENV}/onhand/offset/bulk?dryRun=true`, []);
    expect(res.statusCode).toBe(400);
    expect((res.json() as { code: string }).code).toBe('unknown_parameter');
    expect((await h.request('GET', `${ENV}/ledger?limit=1000`)).json()).toEqual(before);
  });

  it.each(ROUTE_ROLES.filter((r) => r.extension))('$method $path refuses ?bogus=1', async (route) => {
    const res = await h.request(
      route.method,
      `${fillPath(route.path, 'test')}?bogus=1`,
      route.method === 'GET' ? undefined : {},
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'unknown_parameter', details: [{ path: 'query:bogus' }] });
  });
});

describe('Inventory Visibility routes ignore unknown parameters, as the vendor does', () => {
  it('an index query answers with an unknown parameter (the GET query reads extra ones as dimensions)', async () => {
    const res = await h.request('POST', `${ENV}/onhand/indexquery?bogus=1`, {
      filters: { organizationId: ['usmf'], productId: ['MUG'], siteId: ['1'], locationId: ['11'] },
      groupByValues: ['colorId'],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { productId: string }[]).map((row) => row.productId)).toEqual(['MUG']);
  });

  // The Copilot query always answers 501 (not built: docs/api.md).
  it.each(ROUTE_ROLES.filter((r) => !r.extension && r.role !== 'admin' && !r.path.startsWith('/Copilot')))(
    '$method $path does not answer unknown_parameter',
    async (route) => {
      const res = await h.request(
        route.method,
        `${fillPath(route.path, 'test')}?bogus=1`,
        route.method === 'GET' ? undefined : {},
      );
      expect(res.statusCode).toBeLessThan(500);
      if (res.statusCode >= 400) expect((res.json() as { code?: string }).code).not.toBe('unknown_parameter');
    },
  );
});
