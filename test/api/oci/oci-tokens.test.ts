import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalScope, parseScope, roleForScopes } from '../../../src/auth/oci-scopes.js';
import { type Harness, startHarness, tshirtEvent } from '../../support/harness.js';

/** The OCI token endpoints (docs/oci.md, "Tokens"): Account Manager and Salesforce platform styles. */
describe('OCI tokens', () => {
  let h: Harness;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  let writer: { clientId: string; secret: string };
  let reader: { clientId: string; secret: string };

  const am = (body: Record<string, string>, authorization?: string) =>
    h.app.inject({
      method: 'POST',
      url: '/dwsso/oauth2/access_token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      payload: form(body),
    });

  beforeAll(async () => {
    h = await startHarness({ environments: ['test', 'other'] });
    writer = await h.services.auth.createClient({ environments: ['test'], role: 'write' });
    reader = await h.services.auth.createClient({ environments: ['test'], role: 'read' });
  });
  afterAll(() => h.close());

  it('maps both scope spellings onto roles', () => {
    expect(canonicalScope('sfcc_inventory_impex_inventory_rw')).toBe('sfcc.inventory.impex-inventory.rw');
    expect(canonicalScope('sfcc_inventory_availability')).toBe('sfcc.inventory.availability');
    expect(canonicalScope('sfcc.inventory.nothing')).toBeUndefined();
    const parsed = parseScope('SALESFORCE_COMMERCE_API:test sfcc.inventory.availability mail roles');
    expect(parsed).toEqual({
      tenant: 'test',
      scopes: ['sfcc.inventory.availability'],
      unknown: [],
      tenants: 1,
    });
    expect(roleForScopes(['sfcc.inventory.availability', 'sfcc.inventory.reservations.rw'])).toBe('write');
    expect(roleForScopes(['sfcc.inventory.impex-graphs.rw'])).toBe('admin');
  });

  it('issues an Account Manager token with HTTP Basic credentials, usable on the IV API with the mapped role', async () => {
    const res = await am(
      { grant_type: 'client_credentials', scope: 'SALESFORCE_COMMERCE_API:test sfcc.inventory.availability' },
      basic(writer.clientId, writer.secret),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      scope: 'SALESFORCE_COMMERCE_API:test sfcc.inventory.availability',
    });
    expect(body.expires_in).toBeGreaterThan(0);
    // The availability role: availability queries pass, writes are refused, though the client may write.
    const token = body.access_token as string;
    const query = await h.request(
      'GET',
      '/api/environment/test/onhand?organizationId=usmf&productId=T-shirt',
      undefined,
      { token },
    );
    expect(query.statusCode).toBe(200);
    const write = await h.request('POST', '/api/environment/test/onhand', tshirtEvent('oci-t1'), { token });
    expect(write.statusCode).toBe(403);
    // Tenants are walls: the token gives nothing in another environment.
    const other = await h.request(
      'GET',
      '/api/environment/other/onhand?organizationId=usmf&productId=T-shirt',
      undefined,
      { token },
    );
    expect(other.statusCode).toBe(403);
  });

  it('issues a write token from form fields with the underscore scopes, and it writes', async () => {
    const res = await am({
      grant_type: 'client_credentials',
      client_id: writer.clientId,
      client_secret: writer.secret,
      scope: 'SALESFORCE_COMMERCE_API:test sfcc_inventory_availability_rw',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().scope).toBe('SALESFORCE_COMMERCE_API:test sfcc.inventory.availability.rw');
    const write = await h.request('POST', '/api/environment/test/onhand', tshirtEvent('oci-t2'), {
      token: res.json().access_token,
    });
    expect(write.statusCode).toBe(200);
  });

  it('gives the client its own role when the scope names only the tenant', async () => {
    const res = await am(
      { grant_type: 'client_credentials', scope: 'SALESFORCE_COMMERCE_API:test' },
      basic(reader.clientId, reader.secret),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().scope.split(' ')).toEqual([
      'SALESFORCE_COMMERCE_API:test',
      'sfcc.inventory.availability',
      'sfcc.inventory.reservations',
      'sfcc.inventory.impex-inventory',
      'sfcc.inventory.impex-graphs',
    ]);
  });

  it.each([
    ['a wrong secret', { scope: 'SALESFORCE_COMMERCE_API:test' }, 'wrong-secret', 401, 'invalid_client'],
    [
      'an unknown scope',
      { scope: 'SALESFORCE_COMMERCE_API:test sfcc.inventory.everything' },
      undefined,
      400,
      'invalid_scope',
    ],
    [
      'a scope beyond the client role',
      { scope: 'SALESFORCE_COMMERCE_API:test sfcc.inventory.reservations.rw' },
      undefined,
      400,
      'invalid_scope',
    ],
    [
      'the tenant of another environment',
      { scope: 'SALESFORCE_COMMERCE_API:other sfcc.inventory.availability' },
      undefined,
      400,
      'invalid_scope',
    ],
    ['no tenant', { scope: 'sfcc.inventory.availability' }, undefined, 400, 'invalid_scope'],
    [
      'two tenants',
      { scope: 'SALESFORCE_COMMERCE_API:test SALESFORCE_COMMERCE_API:other' },
      undefined,
      400,
      'invalid_scope',
    ],
  ])('refuses %s in OAuth style', async (_name, fields, secret, status, error) => {
    const res = await am(
      { grant_type: 'client_credentials', ...fields },
      basic(reader.clientId, secret ?? reader.secret),
    );
    expect(res.statusCode).toBe(status);
    expect(Object.keys(res.json()).sort()).toEqual(['error', 'error_description']);
    expect(res.json().error).toBe(error);
  });

  it('refuses another grant type and a malformed body in OAuth style', async () => {
    const grant = await am(
      { grant_type: 'password', scope: 'SALESFORCE_COMMERCE_API:test' },
      basic(reader.clientId, reader.secret),
    );
    expect(grant.statusCode).toBe(400);
    expect(grant.json().error).toBe('unsupported_grant_type');
    const bad = await h.app.inject({
      method: 'POST',
      url: '/dwsso/oauth2/access_token',
      headers: { 'content-type': 'application/json' },
      payload: '[1,2]',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('invalid_request');
  });

  it('issues a Salesforce platform token for the client’s only environment, signed as Salesforce signs', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'onhand.example:8080' },
      payload: form({
        grant_type: 'client_credentials',
        client_id: writer.clientId,
        client_secret: writer.secret,
      }),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      instance_url: 'http://onhand.example:8080',
      id: `http://onhand.example:8080/id/test/${writer.clientId}`,
    });
    expect(body.scope).toContain('sfcc_inventory_reservations_rw');
    const signature = createHmac('sha256', writer.secret)
      .update(body.id + body.issued_at)
      .digest('base64');
    expect(body.signature).toBe(signature);
    const write = await h.request('POST', '/api/environment/test/onhand', tshirtEvent('oci-t3'), {
      token: body.access_token,
    });
    expect(write.statusCode).toBe(200);
    const bad = await h.app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ grant_type: 'client_credentials', client_id: writer.clientId, client_secret: 'nope' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
  });

  it('asks a Salesforce platform client of several environments to name one', async () => {
    const multi = await h.services.auth.createClient({ environments: ['test', 'other'], role: 'read' });
    const send = (scope?: string) =>
      h.app.inject({
        method: 'POST',
        url: '/services/oauth2/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(multi.clientId, multi.secret),
        },
        payload: form({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
      });
    expect((await send()).json().error).toBe('invalid_scope');
    const named = await send('SALESFORCE_COMMERCE_API:other sfcc_inventory_availability');
    expect(named.statusCode).toBe(200);
    expect(named.json().id).toContain('/id/other/');
  });
});
