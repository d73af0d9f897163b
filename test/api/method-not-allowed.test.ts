import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { fillPath, ROUTE_ROLES } from '../support/route-table.js';
import { ENV, type LedgerJson } from './api-helpers.js';

/** A path that exists, asked with a method it does not take: 405 with Allow (docs/errors.md). */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

/**
 * The methods the filled path of a route-table path takes, as an Allow header lists them (GET brings
 * HEAD): those of every route whose pattern matches it (`…/products/bulk` is also `…/products/:productId`).
 */
const allowOf = (path: string) => {
  const url = fillPath(path, 'test');
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.replace(':environmentId', 'test').replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(url);
  const methods = new Set(ROUTE_ROLES.filter((r) => matches(r.path)).map((r) => r.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort().join(', ');
};

describe('a wrong method', () => {
  it('GET on the index query (POST only): 405, Allow: POST, the method_not_allowed code', async () => {
    const res = await h.request('GET', `${ENV}/onhand/indexquery`);
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json()).toEqual({
      code: 'method_not_allowed',
      message: '/api/environment/test/onhand/indexquery does not take GET; it takes POST.',
      details: [],
    });
  });

  it('DELETE on …/onhand changes nothing', async () => {
    const before = (await h.request('GET', `${ENV}/ledger?limit=1000`)).json() as LedgerJson[];
    const res = await h.request('DELETE', `${ENV}/onhand`);
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect((await h.request('GET', `${ENV}/ledger?limit=1000`)).json()).toEqual(before);
  });

  it('paths match as the router matches them: any case, a trailing slash, a query string', async () => {
    for (const url of [
      '/API/Environment/test/OnHand/IndexQuery',
      `${ENV}/onhand/indexquery/`,
      `${ENV}/onhand/indexquery?x=1`,
    ]) {
      const res = await h.request('GET', url);
      expect(res.statusCode, url).toBe(405);
      expect(res.headers.allow, url).toBe('POST');
    }
  });

  it('public routes too: POST /health/ping, PUT /.well-known/jwks.json, GET /oauth2/token', async () => {
    const cases: [string, string, string][] = [
      ['POST', '/health/ping', 'GET, HEAD'],
      ['PUT', '/.well-known/jwks.json', 'GET, HEAD'],
      ['GET', '/oauth2/token', 'POST'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await h.request(method, url, undefined, { token: null });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.headers.allow, `${method} ${url}`).toBe(allow);
    }
  });

  it('a path that does not exist is still 404 not_found, without Allow', async () => {
    for (const [method, url] of [
      ['GET', `${ENV}/onhands`],
      ['POST', '/nowhere'],
      ['GET', `${ENV}/onhand/indexquery/extra`],
    ] as const) {
      const res = await h.request(method, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers.allow).toBeUndefined();
      expect((res.json() as { code: string }).code).toBe('not_found');
    }
  });

  it.each(
    [...new Set(ROUTE_ROLES.filter((r) => r.method !== 'PATCH').map((r) => r.path))].filter(
      (path) => !ROUTE_ROLES.some((r) => r.path === path && r.method === 'PATCH'),
    ),
  )('PATCH %s: 405 with the methods of the route table', async (path) => {
    const res = await h.request('PATCH', fillPath(path, 'test'), {});
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe(allowOf(path));
  });
});
