import { describe, expect, it } from 'vitest';
import { generateClientId, generateSecret, hashSecret, verifySecret } from '../../src/auth/secrets.js';

describe('client secrets', () => {
  it('a hash verifies its own secret and nothing else', async () => {
    const hash = await hashSecret('correct horse battery staple');
    expect(await verifySecret('correct horse battery staple', hash)).toBe(true);
    expect(await verifySecret('correct horse battery stapler', hash)).toBe(false);
    expect(await verifySecret('', hash)).toBe(false);
  });

  it('is encoded as scrypt$N$r$p$salt$hash and never contains the secret', async () => {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(hash).not.toContain(secret);
    expect(hash).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('salts every hash, so the same secret hashes differently twice', async () => {
    const [a, b] = await Promise.all([hashSecret('same'), hashSecret('same')]);
    expect(a).not.toBe(b);
    expect(await verifySecret('same', a)).toBe(true);
    expect(await verifySecret('same', b)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['plain text', 'not-a-hash'],
    ['another scheme', 'bcrypt$16384$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['absurd N', `scrypt$${2 ** 30}$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==`],
    ['missing key', 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$'],
  ])('a malformed stored hash (%s) verifies nothing', async (_name, hash) => {
    expect(await verifySecret('anything', hash)).toBe(false);
  });

  it('generates 32-byte base64url secrets and readable client ids', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(secret);
    expect(generateClientId()).toMatch(/^client-[0-9a-f]{8}$/);
  });
});
