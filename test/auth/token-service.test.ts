import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/auth/signing-key.js';
import { TokenService } from '../../src/auth/token-service.js';
import { OnhandError } from '../../src/domain/codes.js';
import { FakeClock, tempDir } from './test-helpers.js';

const subject = { clientId: 'pos-01', roles: { 'env-a': 'write', 'env-b': 'read' } } as const;
let key: SigningKey;
let otherKey: SigningKey;
const removals: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const [a, b] = await Promise.all([tempDir(), tempDir()]);
  removals.push(a.remove, b.remove);
  key = await loadOrCreateSigningKey(a.dir);
  otherKey = await loadOrCreateSigningKey(b.dir);
});
afterAll(async () => {
  await Promise.all(removals.map((remove) => remove()));
});

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function expectInvalidToken(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OnhandError);
  expect((error as OnhandError).code).toBe('invalid_token');
}

describe('TokenService', () => {
  it('issues a one-hour bearer token that verifies back to the same principal', async () => {
    const clock = new FakeClock();
    const service = new TokenService({ key, clock: clock.now });
    const issued = await service.issue(subject);
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const principal = await service.verify(issued.access_token);
    expect(principal).toEqual({
      clientId: 'pos-01',
      roles: { 'env-a': 'write', 'env-b': 'read' },
      expiresAt: new Date(clock.now().getTime() + 3600_000),
    });
  });

  it('puts sub, roles, iss, aud, iat, exp and jti in the token, and kid in the header', async () => {
    const clock = new FakeClock();
    const issued = await new TokenService({ key, clock: clock.now }).issue({
      ...subject,
      roles: { '*': 'admin' },
    });
    const [header, payload] = issued.access_token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: key.kid });
    const iat = clock.now().getTime() / 1000;
    expect(payload).toMatchObject({ sub: 'pos-01', roles: { '*': 'admin' }, iss: 'onhand' });
    expect(payload).toMatchObject({ aud: 'onhand-api', iat, exp: iat + 3600 });
    expect(typeof payload?.jti).toBe('string');
  });

  it('accepts a token up to 5 s past expiry (clock skew) and rejects it after', async () => {
    const clock = new FakeClock();
    const service = new TokenService({ key, clock: clock.now });
    const { access_token } = await service.issue(subject);
    clock.advance(3600 + 4);
    await expect(service.verify(access_token)).resolves.toMatchObject({ clientId: 'pos-01' });
    clock.advance(2);
    await expectInvalidToken(service.verify(access_token));
    await expect(service.verify(access_token)).rejects.toThrow(/expired/);
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const service = new TokenService({ key });
    const [header, payload, signature] = (await service.issue(subject)).access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = `${header}.${b64url({ ...claims, envs: ['*'], adm: true })}.${signature}`;
    await expectInvalidToken(service.verify(forged));
  });

  it('rejects a token signed with another key', async () => {
    const foreign = await new TokenService({ key: otherKey }).issue(subject);
    await expectInvalidToken(new TokenService({ key }).verify(foreign.access_token));
  });

  it('rejects a token for another audience or from another issuer', async () => {
    const ours = new TokenService({ key });
    const otherAudience = await new TokenService({ key, audience: 'other-api' }).issue(subject);
    const otherIssuer = await new TokenService({ key, issuer: 'someone-else' }).issue(subject);
    await expectInvalidToken(ours.verify(otherAudience.access_token));
    await expectInvalidToken(ours.verify(otherIssuer.access_token));
  });

  it('rejects an unsigned alg:none token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'pos-01', envs: ['*'], adm: true, iss: 'onhand', aud: 'onhand-api', iat: now };
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claims, exp: now + 3600 })}.`;
    await expectInvalidToken(new TokenService({ key }).verify(unsigned));
  });

  it('rejects a token signed with another algorithm (HS256)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hs = await new SignJWT({ envs: ['*'], adm: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('pos-01')
      .setIssuer('onhand')
      .setAudience('onhand-api')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new Uint8Array(32));
    await expectInvalidToken(new TokenService({ key }).verify(hs));
  });

  it('rejects a correctly signed token that lacks the onhand claims', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bare = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('pos-01')
      .setIssuer('onhand')
      .setAudience('onhand-api')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
    await expectInvalidToken(new TokenService({ key }).verify(bare));
  });

  it.each(['', 'garbage', 'a.b.c', '....', 'x'.repeat(10_000)])('rejects garbage %#', async (token) => {
    await expectInvalidToken(new TokenService({ key }).verify(token));
  });
});
