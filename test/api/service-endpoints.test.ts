import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

/* The service's own endpoints: liveness, readiness, metrics, OpenAPI, docs, unknown routes, tokens. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ environments: ['test', 'shop'] });
});
afterAll(() => h.close());

describe('service endpoints', () => {
  it('serves liveness, readiness, metrics, the OpenAPI document and the interactive docs', async () => {
    expect((await h.request('GET', '/health/ping', undefined, { token: null })).json()).toEqual({
      status: 'ok',
    });
    expect((await h.request('GET', '/readyz', undefined, { token: null })).json()).toEqual({
      status: 'ready',
    });
    const metrics = await h.request('GET', '/metrics', undefined, { token: null });
    expect(metrics.body).toContain('onhand_http_request_duration_seconds');
    expect(metrics.body).toContain('onhand_write_items_total');
    const openapi = (await h.request('GET', '/openapi.json', undefined, { token: null })).json();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/environment/{environmentId}/onhand',
        '/api/environment/{environmentId}/onhand/bulk',
        '/api/environment/{environmentId}/setonhand/{inventorySystem}/bulk',
        '/api/environment/{environmentId}/onhand/indexquery',
        '/api/environment/{environmentId}/onhand/exactquery',
        '/oauth2/token',
      ]),
    );
    const docs = await h.request('GET', '/docs/', undefined, { token: null });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('echoes a request id and answers unknown routes with not_found', async () => {
    const response = await h.request('GET', '/nothing-here', undefined, {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toBe('abc-123');
    expect(response.json().code).toBe('not_found');
  });
});

describe('the token endpoint', () => {
  it('accepts client credentials as HTTP Basic and answers errors with RFC 6749 fields too', async () => {
    const basic = Buffer.from('test-admin:test-admin-secret-0123456789abcdef').toString('base64');
    const ok = await h.request('POST', '/oauth2/token', undefined, {
      token: null,
      rawBody: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().token_type).toBe('Bearer');
    expect(ok.headers['cache-control']).toBe('no-store');
    const wrong = await h.request('POST', '/oauth2/token', undefined, {
      token: null,
      rawBody: 'grant_type=client_credentials&client_id=test-admin&client_secret=nope',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'invalid_client', code: 'invalid_client' });
    const grant = await h.request('POST', '/oauth2/token', undefined, {
      token: null,
      rawBody: 'grant_type=password&client_id=test-admin&client_secret=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(grant.json()).toMatchObject({ error: 'unsupported_grant_type', code: 'unsupported_grant_type' });
  });
});
