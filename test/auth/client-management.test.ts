import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OnhandError } from '../../src/domain/codes.js';
import { type AuthFixture, openAuthFixture } from './auth-fixture.js';

let f: AuthFixture;
beforeEach(async () => {
  f = await openAuthFixture();
});
afterEach(async () => {
  await f.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof OnhandError) return error.code;
    throw error;
  }
}

const login = (client_id: string, client_secret: string) =>
  f.auth.token({ grant_type: 'client_credentials', client_id, client_secret });

describe('client management', () => {
  it('generates an id and a secret when not given, and stores only a hash', async () => {
    const created = await f.auth.createClient({ environments: ['B', 'a', 'b'], admin: false });
    expect(created.clientId).toMatch(/^client-[0-9a-f]{8}$/);
    const stored = await f.store.getClient(created.clientId);
    expect(stored?.secretHash).toMatch(/^scrypt\$/);
    expect(stored?.secretHash).not.toContain(created.secret);
    expect(stored?.roles).toEqual({ a: 'write', b: 'write' });
  });

  it('refuses a taken id with client_exists and bad ids or environments', async () => {
    await f.auth.createClient({ clientId: 'erp', environments: ['a'], admin: false });
    expect(await codeOf(f.auth.createClient({ clientId: 'erp', environments: ['a'], admin: false }))).toBe(
      'client_exists',
    );
    expect(
      await codeOf(f.auth.createClient({ clientId: 'has space', environments: ['a'], admin: false })),
    ).toBe('invalid_id');
    expect(await codeOf(f.auth.createClient({ environments: [], admin: false }))).toBe(
      'invalid_environment_id',
    );
    expect(await codeOf(f.auth.createClient({ environments: ['a/b'], admin: false }))).toBe(
      'invalid_environment_id',
    );
  });

  it('lists clients sorted by id, without secret hashes', async () => {
    await f.auth.createClient({ clientId: 'zeta', environments: ['a'], admin: false });
    await f.auth.createClient({ clientId: 'alpha', environments: ['*'], admin: true });
    const clients = await f.auth.listClients();
    expect(clients.map((c) => c.clientId)).toEqual(['alpha', 'zeta']);
    expect(clients[0]).toEqual({
      clientId: 'alpha',
      roles: { '*': 'admin' },
      createdAt: f.clock.now().toISOString(),
      revokedAt: null,
    });
    expect(JSON.stringify(clients)).not.toContain('scrypt');
  });

  it('revokes a client once, keeping the first revocation time', async () => {
    await f.auth.createClient({ clientId: 'pos', environments: ['a'], admin: false });
    const first = await f.auth.revokeClient('pos');
    expect(first.revokedAt).toBe(f.clock.now().toISOString());
    f.clock.advance(100);
    expect((await f.auth.revokeClient('pos')).revokedAt).toBe(first.revokedAt);
    expect(await codeOf(f.auth.revokeClient('nobody'))).toBe('client_not_found');
  });
});

describe('ensureAdminClient', () => {
  it('creates an admin client for all environments', async () => {
    await f.auth.ensureAdminClient('ops', 'ops-secret-1');
    expect(await f.auth.listClients()).toMatchObject([{ clientId: 'ops', roles: { '*': 'admin' } }]);
    await expect(login('ops', 'ops-secret-1')).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('is idempotent: the same secret changes nothing', async () => {
    await f.auth.ensureAdminClient('ops', 'ops-secret-1');
    const before = await f.store.getClient('ops');
    await f.auth.ensureAdminClient('ops', 'ops-secret-1');
    expect(await f.store.getClient('ops')).toEqual(before);
  });

  it('rotates the secret, un-revokes and restores admin rights', async () => {
    await f.auth.createClient({ clientId: 'ops', secret: 'old-secret', environments: ['a'], admin: false });
    await f.auth.revokeClient('ops');
    await f.auth.ensureAdminClient('ops', 'new-secret');
    expect(await codeOf(login('ops', 'old-secret'))).toBe('invalid_client');
    await expect(login('ops', 'new-secret')).resolves.toMatchObject({ token_type: 'Bearer' });
    expect(await f.auth.listClients()).toMatchObject([{ roles: { '*': 'admin' }, revokedAt: null }]);
  });
});

describe('bootstrap', () => {
  it('with both settings ensures that admin client and prints nothing', async () => {
    const result = await f.auth.bootstrap({ adminClientId: 'ci-admin', adminClientSecret: 'ci-secret' });
    expect(result).toEqual({});
    const principal = await f.auth.authenticate(
      `Bearer ${(await login('ci-admin', 'ci-secret')).access_token}`,
    );
    expect(principal).toMatchObject({ clientId: 'ci-admin', roles: { '*': 'admin' } });
  });

  it('with neither setting and no clients creates "admin" and returns its secret once', async () => {
    const result = await f.auth.bootstrap({});
    expect(result.createdSecret?.clientId).toBe('admin');
    const secret = result.createdSecret?.secret ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(login('admin', secret)).resolves.toMatchObject({ token_type: 'Bearer' });
    expect(await f.auth.bootstrap({})).toEqual({});
    expect(
      await f.otherProcess().bootstrap({ adminClientId: undefined, adminClientSecret: undefined }),
    ).toEqual({});
  });

  it('with neither setting and existing clients does nothing', async () => {
    await f.auth.createClient({ clientId: 'pos', environments: ['a'], admin: false });
    expect(await f.auth.bootstrap({})).toEqual({});
    expect((await f.auth.listClients()).map((c) => c.clientId)).toEqual(['pos']);
  });

  it('with only one of the two settings fails with a clear message', async () => {
    await expect(f.auth.bootstrap({ adminClientId: 'ops' })).rejects.toThrow(
      /ONHAND_ADMIN_CLIENT_SECRET is missing/,
    );
    await expect(f.auth.bootstrap({ adminClientSecret: 's' })).rejects.toThrow(
      /ONHAND_ADMIN_CLIENT_ID is missing/,
    );
    expect(await f.auth.listClients()).toEqual([]);
  });
});
