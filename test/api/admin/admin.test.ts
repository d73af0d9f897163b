import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ID, type Harness, startHarness } from '../../support/harness.js';
import { fillPath, GRANT_ROUTES } from '../../support/route-table.js';

/**
 * The identity and admin routes (/api/me, /api/admin/…) and the product reservation list (on
 * PostgreSQL too, as every API test): who may call them, what they change, and that a refused call changes nothing.
 */
describe('identity and administration over HTTP', () => {
  let h: Harness;
  let envAdmin: string;
  let reader: string;
  let mixed: string;

  beforeAll(async () => {
    h = await startHarness({ environments: ['env-a', 'env-b'] });
    envAdmin = await h.tokenWithRole(['env-a'], 'admin');
    reader = await h.tokenWithRole(['*'], 'read');
    const created = await h.services.auth.createClient({
      clientId: 'mixed',
      environments: ['env-a', 'env-b'],
      roles: { 'env-a': 'admin', 'env-b': 'read' },
    });
    mixed = (
      await h.services.auth.token({
        grant_type: 'client_credentials',
        client_id: created.clientId,
        client_secret: created.secret,
      })
    ).access_token;
  });
  afterAll(() => h?.close());

  const clientIds = async () =>
    (
      (await h.request('GET', '/api/admin/clients')).json() as { clients: { clientId: string }[] }
    ).clients.map((c) => c.clientId);

  it('GET /api/me names the client, its grants and the environments it may use', async () => {
    const admin = await h.request('GET', '/api/me');
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toMatchObject({
      clientId: ADMIN_ID,
      roles: { '*': 'admin' },
      environments: [
        { environmentId: 'env-a', role: 'admin', exists: true },
        { environmentId: 'env-b', role: 'admin', exists: true },
      ],
    });
    const me = (await h.request('GET', '/api/me', undefined, { token: mixed })).json();
    expect(me).toMatchObject({
      clientId: 'mixed',
      roles: { 'env-a': 'admin', 'env-b': 'read' },
      environments: [
        { environmentId: 'env-a', role: 'admin', exists: true },
        { environmentId: 'env-b', role: 'read', exists: true },
      ],
    });
    expect(Date.parse((me as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now());
    expect((await h.request('GET', '/api/me', undefined, { token: null })).statusCode).toBe(401);
  });

  it('lists and creates environments with the all-environments admin grant only', async () => {
    const list = await h.request('GET', '/api/admin/environments');
    expect(list.json()).toMatchObject({
      environments: [
        { environmentId: 'env-a', version: 1 },
        { environmentId: 'env-b', version: 1 },
      ],
    });
    for (const token of [envAdmin, reader]) {
      expect((await h.request('GET', '/api/admin/environments', undefined, { token })).json()).toMatchObject({
        code: 'forbidden',
      });
      const refused = await h.request(
        'POST',
        '/api/admin/environments',
        { environmentId: 'sneaky' },
        { token },
      );
      expect(refused.statusCode).toBe(403);
    }
    expect(await h.services.store.getEnvironment('sneaky')).toBeUndefined();
    const created = await h.request('POST', '/api/admin/environments', { environmentId: 'Env-C' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ environmentId: 'env-c', version: 1 });
    expect((await h.request('POST', '/api/admin/environments', { environmentId: 'env-c' })).statusCode).toBe(
      200,
    );
    const bad = await h.request('POST', '/api/admin/environments', { environmentId: 'no spaces' });
    expect(bad.json()).toMatchObject({ code: 'invalid_environment_id' });
    expect((await h.request('POST', '/api/admin/environments', {})).json()).toMatchObject({
      code: 'missing_field',
      details: [{ path: '/environmentId' }],
    });
  });

  it('an admin of every environment creates a client whose secret works once shown', async () => {
    const res = await h.request('POST', '/api/admin/clients', {
      clientId: 'web-reader',
      roles: { 'ENV-A': 'read', 'env-b': 'write' },
    });
    expect(res.statusCode).toBe(201);
    const { clientId, secret, roles } = res.json() as { clientId: string; secret: string; roles: unknown };
    expect({ clientId, roles }).toEqual({
      clientId: 'web-reader',
      roles: { 'env-a': 'read', 'env-b': 'write' },
    });
    const token = await h.services.auth.token({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    });
    const me = (await h.request('GET', '/api/me', undefined, { token: token.access_token })).json();
    expect(me).toMatchObject({ clientId: 'web-reader', roles: { 'env-a': 'read', 'env-b': 'write' } });
    const listed = (await h.request('GET', '/api/admin/clients')).json() as {
      clients: Record<string, unknown>[];
    };
    const row = listed.clients.find((c) => c.clientId === 'web-reader');
    expect(row).toMatchObject({ roles: { 'env-a': 'read', 'env-b': 'write' }, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(JSON.stringify(listed)).not.toContain('secretHash');
    const again = await h.request('POST', '/api/admin/clients', {
      clientId: 'web-reader',
      roles: { 'env-a': 'read' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'client_exists' });
  });

  it("an environment's admin creates clients only within its own admin grants", async () => {
    const before = await clientIds();
    const ok = await h.request(
      'POST',
      '/api/admin/clients',
      { roles: { 'env-a': 'write' } },
      { token: envAdmin },
    );
    expect(ok.statusCode).toBe(201);
    const id = (ok.json() as { clientId: string }).clientId;
    expect(id).toMatch(/^client-/);
    for (const [token, roles] of [
      [envAdmin, { 'env-b': 'read' }],
      [envAdmin, { '*': 'read' }],
      [envAdmin, { 'env-a': 'read', 'env-b': 'read' }],
      [mixed, { 'env-b': 'read' }],
    ] as const) {
      const refused = await h.request('POST', '/api/admin/clients', { roles }, { token });
      expect(refused.statusCode, JSON.stringify(roles)).toBe(403);
      expect(refused.json()).toMatchObject({
        code: 'forbidden',
        details: [{ path: expect.stringMatching(/^\/roles\//) }],
      });
    }
    const readerRefused = await h.request(
      'POST',
      '/api/admin/clients',
      { roles: { 'env-a': 'read' } },
      { token: reader },
    );
    expect(readerRefused.json()).toMatchObject({ code: 'forbidden' });
    expect(await clientIds()).toEqual([...before, id].sort());
    const badRole = await h.request('POST', '/api/admin/clients', { roles: { 'env-a': 'owner' } });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json()).toMatchObject({ details: [{ path: '/roles/env-a' }] });
    const empty = await h.request('POST', '/api/admin/clients', { roles: {} });
    expect(empty.json()).toMatchObject({ code: 'invalid_environment_id' });
    const extra = await h.request('POST', '/api/admin/clients', { roles: { 'env-a': 'read' }, secret: 'x' });
    expect(extra.json()).toMatchObject({ code: 'unknown_field' });
    expect(await clientIds()).toEqual([...before, id].sort());
  });

  it('revokes a client: its token stops working; not oneself, not without the grant', async () => {
    const created = await h.services.auth.createClient({
      clientId: 'to-revoke',
      environments: ['env-a'],
      role: 'read',
    });
    const token = (
      await h.services.auth.token({
        grant_type: 'client_credentials',
        client_id: 'to-revoke',
        client_secret: created.secret,
      })
    ).access_token;
    expect((await h.request('GET', '/api/me', undefined, { token })).statusCode).toBe(200);
    expect(
      (await h.request('POST', '/api/admin/clients/to-revoke/revoke', {}, { token: envAdmin })).statusCode,
    ).toBe(403);
    const revoked = await h.request('POST', '/api/admin/clients/to-revoke/revoke', {});
    expect(revoked.statusCode).toBe(200);
    expect((revoked.json() as { revokedAt: string | null }).revokedAt).not.toBeNull();
    expect((await h.request('GET', '/api/me', undefined, { token })).json()).toMatchObject({
      code: 'invalid_token',
    });
    expect((await h.request('POST', '/api/admin/clients/nobody/revoke', {})).statusCode).toBe(404);
    const self = await h.request('POST', `/api/admin/clients/${ADMIN_ID}/revoke`, {});
    expect(self.json()).toMatchObject({ code: 'invalid_request' });
    expect((await h.request('GET', '/api/me')).statusCode).toBe(200);
  });

  it('every grant route refuses a request without a token', async () => {
    for (const route of GRANT_ROUTES) {
      const url = fillPath(route.path, 'env-a').replace(':clientId', 'someone');
      const res = await h.request(route.method, url, route.method === 'GET' ? undefined : {}, {
        token: null,
      });
      expect(res.statusCode, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it('GET …/onhand/reservations lists the open reservations of one product', async () => {
    const base = '/api/environment/env-a/onhand';
    const dims = (site: string) => ({ siteId: site, locationId: '11', colorId: 'red' });
    for (const site of ['1', '2']) {
      const res = await h.request('POST', base, {
        id: `in-${site}`,
        organizationId: 'usmf',
        productId: 'Shirt',
        dimensions: dims(site),
        quantities: { pos: { inbound: 10 } },
      });
      expect(res.statusCode).toBe(200);
    }
    const ids: string[] = [];
    for (const [id, site, quantity] of [
      ['o-1', '1', 2],
      ['o-2', '2', 1.5],
    ] as const) {
      const res = await h.request('POST', `${base}/reserve`, {
        id,
        organizationId: 'usmf',
        productId: 'Shirt',
        dimensions: dims(site),
        quantity,
        quantityDataSource: 'iv',
        modifier: 'softreserved',
        ifCheckAvailForReserv: true,
      });
      expect(res.statusCode, res.body).toBe(200);
      ids.push((res.json() as { reservationId: string }).reservationId);
    }
    const list = await h.request(
      'GET',
      `${base}/reservations?organizationId=usmf&productId=Shirt`,
      undefined,
      {
        token: reader,
      },
    );
    expect(list.statusCode).toBe(200);
    const reservations = (list.json() as { reservations: Record<string, unknown>[] }).reservations;
    expect(reservations.map((r) => [r.reservationId, r.remaining, r.partitionId, r.status])).toEqual([
      [ids[0], 2, 'usmf~1~11', 'open'],
      [ids[1], 1.5, 'usmf~2~11', 'open'],
    ]);
    expect(reservations[0]).not.toHaveProperty('history');
    const unreserve = await h.request('POST', `${base}/unreserve`, {
      id: 'un-1',
      organizationId: 'usmf',
      productId: 'Shirt',
      reservationId: ids[0],
      OffsetQty: 2,
    });
    expect(unreserve.statusCode, unreserve.body).toBe(200);
    const after = await h.request('GET', `${base}/reservations?organizationId=usmf&productId=Shirt&limit=5`);
    expect(
      (after.json() as { reservations: { reservationId: string }[] }).reservations.map(
        (r) => r.reservationId,
      ),
    ).toEqual([ids[1]]);
    expect((await h.request('GET', `${base}/reservations?organizationId=usmf`)).json()).toMatchObject({
      code: 'missing_field',
      details: [{ path: 'query:productId' }],
    });
    expect(
      (await h.request('GET', `${base}/reservations?organizationId=usmf&productId=Shirt&x=1`)).json(),
    ).toMatchObject({
      code: 'unknown_parameter',
    });
    const otherEnv = await h.request(
      'GET',
      '/api/environment/env-b/onhand/reservations?organizationId=usmf&productId=Shirt',
    );
    expect(otherEnv.json()).toEqual({ reservations: [] });
  });
});
