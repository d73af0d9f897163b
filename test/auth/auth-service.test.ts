import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth-service.js';
import { OnhandError } from '../../src/domain/codes.js';
import { legacyGrants } from '../../src/domain/roles.js';
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

const grant = (client_id?: string, client_secret?: string) => ({
  grant_type: 'client_credentials',
  client_id,
  client_secret,
});

describe('AuthService.token (client credentials)', () => {
  it('issues a bearer token for the right secret that authenticates as the client', async () => {
    const { clientId, secret } = await f.auth.createClient({ environments: ['Env-A'], admin: false });
    const response = await f.auth.token(grant(clientId, secret));
    expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const principal = await f.auth.authenticate(`Bearer ${response.access_token}`);
    expect(principal).toMatchObject({ clientId, roles: { 'env-a': 'write' } });
  });

  it('answers the same invalid_client for a wrong secret, an unknown client, missing fields and a revoked client', async () => {
    const { clientId, secret } = await f.auth.createClient({ environments: ['a'], admin: false });
    const revoked = await f.auth.createClient({ environments: ['a'], admin: false });
    await f.auth.revokeClient(revoked.clientId);
    const attempts = [
      f.auth.token(grant(clientId, `${secret}x`)),
      f.auth.token(grant('nobody', secret)),
      f.auth.token(grant(clientId, undefined)),
      f.auth.token(grant(undefined, secret)),
      f.auth.token(grant(revoked.clientId, revoked.secret)),
    ];
    const errors = await Promise.all(
      attempts.map((p) =>
        p.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(OnhandError);
      expect((error as OnhandError).code).toBe('invalid_client');
      expect((error as OnhandError).message).toBe((errors[0] as OnhandError).message);
    }
  });

  it('refuses any grant type other than client_credentials', async () => {
    const { clientId, secret } = await f.auth.createClient({ environments: ['a'], admin: false });
    const password = { grant_type: 'password', client_id: clientId, client_secret: secret };
    expect(await codeOf(f.auth.token(password))).toBe('unsupported_grant_type');
    expect(await codeOf(f.auth.token({ client_id: clientId, client_secret: secret }))).toBe(
      'unsupported_grant_type',
    );
  });
});

describe('AuthService.authenticate', () => {
  async function bearerFor(environments: string[] = ['a'], admin = false) {
    const { clientId, secret } = await f.auth.createClient({ environments, admin });
    return { clientId, token: (await f.auth.token(grant(clientId, secret))).access_token };
  }

  it('accepts the bearer scheme in any case', async () => {
    const { clientId, token } = await bearerFor();
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      await expect(f.otherProcess().authenticate(`${scheme} ${token}`)).resolves.toMatchObject({ clientId });
    }
  });

  it('answers unauthorized without a bearer token and invalid_token for a bad one', async () => {
    expect(await codeOf(f.auth.authenticate(undefined))).toBe('unauthorized');
    expect(await codeOf(f.auth.authenticate(''))).toBe('unauthorized');
    expect(await codeOf(f.auth.authenticate('Basic dXNlcjpwYXNz'))).toBe('unauthorized');
    expect(await codeOf(f.auth.authenticate('Bearer'))).toBe('unauthorized');
    expect(await codeOf(f.auth.authenticate('Bearer not.a.jwt'))).toBe('invalid_token');
  });

  it('refuses a revoked client at once in the revoking process', async () => {
    const { clientId, token } = await bearerFor();
    await f.auth.authenticate(`Bearer ${token}`);
    await f.auth.revokeClient(clientId);
    expect(await codeOf(f.auth.authenticate(`Bearer ${token}`))).toBe('invalid_token');
  });

  it('refuses a revoked client at once however its header was written (the cache is keyed by the header)', async () => {
    const { clientId, token } = await bearerFor();
    const headers = [`Bearer ${token}`, `bearer ${token}`, `  BEARER   ${token} `];
    for (const header of headers)
      await expect(f.auth.authenticate(header)).resolves.toMatchObject({ clientId });
    await f.auth.revokeClient(clientId);
    for (const header of headers) expect(await codeOf(f.auth.authenticate(header))).toBe('invalid_token');
  });

  it('refuses a client revoked by another process once the 60 s cache entry has expired', async () => {
    const { clientId, token } = await bearerFor();
    await f.auth.authenticate(`Bearer ${token}`);
    await f.otherProcess().revokeClient(clientId);
    f.clock.advance(30);
    await expect(f.auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ clientId });
    f.clock.advance(31);
    expect(await codeOf(f.auth.authenticate(`Bearer ${token}`))).toBe('invalid_token');
  });

  it('never trusts a cached token past its expiry', async () => {
    const { token } = await bearerFor();
    f.clock.advance(3600 - 10);
    await f.auth.authenticate(`Bearer ${token}`);
    f.clock.advance(16);
    expect(await codeOf(f.auth.authenticate(`Bearer ${token}`))).toBe('invalid_token');
  });
});

describe('environment and role checks', () => {
  const principal = (environments: string[], admin = false) => ({
    clientId: 'c',
    roles: legacyGrants(environments, admin),
    expiresAt: new Date(0),
  });

  it.each([
    [['*'], 'anything', true],
    [['env-a'], 'env-a', true],
    [['env-a'], 'ENV-A', true],
    [['Env-A'], 'env-a', true],
    [['env-a', 'env-b'], 'env-b', true],
    [['env-a'], 'env-b', false],
    [['env-a'], 'env-a2', false],
    [[], 'env-a', false],
  ])('environments %j may use %s: %s', (environments, environmentId, allowed) => {
    expect(AuthService.canUse(principal(environments), environmentId)).toBe(allowed);
  });

  it('requireRole throws forbidden for another environment or a lower role', () => {
    const forbidden = expect.objectContaining({ code: 'forbidden' });
    expect(() => f.auth.requireRole(principal(['a']), 'b', 'read')).toThrow(forbidden);
    expect(() => f.auth.requireRole(principal(['a']), 'A', 'write')).not.toThrow();
    expect(() => f.auth.requireRole(principal(['*']), 'x', 'admin')).toThrow(forbidden);
    expect(() => f.auth.requireRole(principal(['*'], true), 'x', 'admin')).not.toThrow();
    const reader = { clientId: 'r', roles: { a: 'read' as const }, expiresAt: new Date(0) };
    expect(() => f.auth.requireRole(reader, 'a', 'read')).not.toThrow();
    expect(() => f.auth.requireRole(reader, 'a', 'write')).toThrow(forbidden);
  });
});
