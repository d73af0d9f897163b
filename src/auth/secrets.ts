import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets are stored only as scrypt hashes, encoded as `scrypt$N$r$p$salt_b64$hash_b64`
 * (standard base64). The parameters travel with the hash so they can be raised later without
 * invalidating stored hashes.
 */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Upper bounds accepted when reading a stored hash, so a corrupt row cannot make us allocate gigabytes. */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, keyLength, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function maxmem(n: number, r: number, p: number): number {
  // scrypt needs about 128 * N * r * p bytes plus some slack.
  return 128 * n * r * p + 32 * 1024 * 1024;
}

/** Hashes a secret with scrypt and a random 16-byte salt; the result never contains the secret. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(secret, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: maxmem(N, R, P) });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * True when `secret` matches `hash` (made by hashSecret). Compares in constant time; a malformed
 * hash verifies nothing and returns false.
 */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const { n, r, p, salt, key } = parsed;
  const candidate = await derive(secret, salt, key.length, { N: n, r, p, maxmem: maxmem(n, r, p) });
  return timingSafeEqual(candidate, key);
}

interface ParsedHash {
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(hash: string): ParsedHash | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const validN = Number.isInteger(n) && n > 1 && n <= MAX_N && (n & (n - 1)) === 0;
  const validRP = Number.isInteger(r) && r >= 1 && r <= MAX_R && Number.isInteger(p) && p >= 1 && p <= MAX_P;
  if (!validN || !validRP) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || key.length < 16 || key.length > 64) return undefined;
  return { n, r, p, salt, key };
}

/** The secret hash of a client that authenticates only through an external provider: verifies nothing. */
export const EXTERNAL_CLIENT = 'external';

/** A new random client secret: 32 random bytes, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A new readable client id: `client-` followed by 8 hex digits. */
export function generateClientId(): string {
  return `client-${randomBytes(4).toString('hex')}`;
}
