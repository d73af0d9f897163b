import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyRing, listKeys, rotateKeys } from '../../src/auth/key-ring.js';
import { loadOrCreateSigningKey } from '../../src/auth/signing-key.js';
import { TokenService } from '../../src/auth/token-service.js';
import { runKeysCommand } from '../../src/cli/keys-command.js';
import { FakeClock, tempDir } from './test-helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function dataDir(): Promise<string> {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  return dir;
}

const subject = { clientId: 'pos', roles: { a: 'write' } } as const;

describe('signing key rotation', () => {
  it('a new key signs from then on; tokens of the old key stay valid until they expire', async () => {
    const dir = await dataDir();
    const clock = new FakeClock();
    const ring = await KeyRing.open(dir, clock.now);
    const tokens = new TokenService({ keys: ring, clock: clock.now });
    const old = await tokens.issue(subject);
    const oldKid = decodeProtectedHeader(old.access_token).kid;

    await rotateKeys(dir, clock.now(), 86_700);
    // A token naming the new kid makes the ring look again at once; new tokens use it after a reload.
    await ring.reload();
    const fresh = await tokens.issue(subject);
    const newKid = decodeProtectedHeader(fresh.access_token).kid;
    expect(newKid).not.toBe(oldKid);
    await expect(tokens.verify(old.access_token)).resolves.toMatchObject({ clientId: 'pos' });
    await expect(tokens.verify(fresh.access_token)).resolves.toMatchObject({ clientId: 'pos' });
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual([oldKid, newKid]);

    // Another process with its own ring verifies the new token without a restart (unknown kid → reload).
    const other = await KeyRing.open(dir, clock.now);
    await expect(
      new TokenService({ keys: other, clock: clock.now }).verify(fresh.access_token),
    ).resolves.toBeTruthy();

    clock.advance(3610);
    await expect(tokens.verify(old.access_token)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('a running ring starts signing with a rotated key within 30 seconds', async () => {
    const dir = await dataDir();
    const clock = new FakeClock();
    const ring = await KeyRing.open(dir, clock.now);
    const first = (await ring.current()).kid;
    const { added } = await rotateKeys(dir, clock.now(), 86_700);
    expect((await ring.current()).kid).toBe(first);
    clock.advance(30);
    expect((await ring.current()).kid).toBe(added.kid);
  });

  it('removes keys retired longer than the retention, never the newest two', async () => {
    const dir = await dataDir();
    const clock = new FakeClock();
    const first = await loadOrCreateSigningKey(dir, clock.now());
    const second = await rotateKeys(dir, clock.now(), 86_700);
    expect(second.removed).toEqual([]);
    clock.advance(86_701);
    const third = await rotateKeys(dir, clock.now(), 86_700);
    // The first key was retired when the second was made, more than the retention ago.
    expect(third.removed).toEqual([first.kid]);
    expect((await listKeys(dir)).map((k) => k.kid)).toEqual([second.added.kid, third.added.kid]);
    expect((await readdir(join(dir, 'keys'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('onhand keys list and rotate', async () => {
    const dir = await dataDir();
    const lines: string[] = [];
    const out = (line: string) => lines.push(line);
    expect(await runKeysCommand(['list'], { dataDir: dir, out })).toBe(0);
    expect(lines).toEqual(['No signing key yet; the first start creates one.']);
    expect(await runKeysCommand(['rotate'], { dataDir: dir, out })).toBe(0);
    const keys = await listKeys(dir);
    expect(keys).toHaveLength(2);
    lines.length = 0;
    expect(await runKeysCommand(['list'], { dataDir: dir, out })).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${keys[1]?.kid}`);
    expect(lines[1]).toContain('(signing)');
    expect(await runKeysCommand(['spin'], { dataDir: dir, out })).toBe(2);
  });
});
