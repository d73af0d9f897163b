import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, signingKeyPath } from '../../src/auth/signing-key.js';
import { TokenService } from '../../src/auth/token-service.js';
import { tempDir } from './test-helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function dataDir(): Promise<string> {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  return dir;
}

describe('the token signing key', () => {
  it('is created on first use as a private Ed25519 JWK readable by the owner only', async () => {
    const dir = await dataDir();
    const key = await loadOrCreateSigningKey(dir);
    const file = signingKeyPath(dir);
    expect(file).toBe(join(dir, 'keys', 'signing-key.json'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700);
    const jwk = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: key.kid, alg: 'EdDSA' });
    expect(typeof jwk.d).toBe('string');
    expect(key.publicJwk).not.toHaveProperty('d');
  });

  it('is reused on later loads, so tokens survive a restart', async () => {
    const dir = await dataDir();
    const first = await loadOrCreateSigningKey(dir);
    const before = await readFile(signingKeyPath(dir), 'utf8');
    const issued = await new TokenService({ key: first }).issue({
      clientId: 'pos',
      roles: { env1: 'write' },
    });
    const second = await loadOrCreateSigningKey(dir);
    expect(second.kid).toBe(first.kid);
    expect(await readFile(signingKeyPath(dir), 'utf8')).toBe(before);
    const principal = await new TokenService({ key: second }).verify(issued.access_token);
    expect(principal.clientId).toBe('pos');
  });

  it('when several processes start at once, they all end up with one key', async () => {
    const dir = await dataDir();
    const keys = await Promise.all(Array.from({ length: 6 }, () => loadOrCreateSigningKey(dir)));
    const reloaded = await loadOrCreateSigningKey(dir);
    expect(new Set(keys.map((key) => key.kid))).toEqual(new Set([reloaded.kid]));
  });

  it('a corrupt key file is reported, never silently replaced', async () => {
    const dir = await dataDir();
    await loadOrCreateSigningKey(dir);
    await writeFile(signingKeyPath(dir), '{ not json');
    await expect(loadOrCreateSigningKey(dir)).rejects.toThrow(/not valid JSON/);
    expect(await readFile(signingKeyPath(dir), 'utf8')).toBe('{ not json');
  });
});
