import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';

/** The key pair that signs and verifies access tokens. */
export interface SigningKey {
  /** Key id, the RFC 7638 thumbprint of the public key; set as `kid` in token headers. */
  readonly kid: string;
  /** Always EdDSA (Ed25519). */
  readonly alg: 'EdDSA';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public half as a JWK (no private material), e.g. for a JWKS endpoint. */
  readonly publicJwk: JWK;
  /** When the key was made (ISO-8601); for keys from before rotation existed, their file's mtime. */
  readonly createdAt: string;
}

/** Where the signing key lives inside the data directory. */
export function signingKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'signing-key.json');
}

/**
 * Loads the token signing key from `<dataDir>/keys/signing-key.json`, creating it on first use.
 * The file holds the private JWK (mode 0600, directory 0700). It is reused on every later start, so
 * issued tokens survive restarts. Creation is atomic and never replaces an existing key: the new key
 * is written to a temporary file and hard-linked into place, so when two processes start together,
 * both end up using the one key that won.
 */
export async function loadOrCreateSigningKey(dataDir: string, now: Date = new Date()): Promise<SigningKey> {
  const file = signingKeyPath(dataDir);
  const existing = await readKeyFile(file);
  if (existing) return existing;
  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  await writeOnce(file, await newKeyFileContent(now));
  const stored = await readKeyFile(file);
  if (!stored) throw new Error(`The signing key ${file} could not be read back after writing it.`);
  return stored;
}

/** A new Ed25519 private JWK, as the text of a key file, with its kid, alg, use and creation time. */
export async function newKeyFileContent(now: Date): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPart(jwk));
  const content = { ...jwk, kid, alg: 'EdDSA', use: 'sig', created: now.toISOString() };
  return `${JSON.stringify(content, null, 2)}\n`;
}

/** Writes `content` to `file` (mode 0600) unless the file exists; atomic. */
export async function writeOnce(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(temp, 0o600); // in case the umask stripped bits we did not ask for; never wider
  try {
    await link(temp, file);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      // Another process created the key first: use theirs.
    } else if (errorCode(error) === 'EPERM' || errorCode(error) === 'ENOTSUP') {
      // File systems without hard links: fall back to an atomic rename.
      await rename(temp, file);
      return;
    } else {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
  await unlink(temp).catch(() => undefined);
}

/** Reads a key file; undefined when it does not exist; throws when it is not an Ed25519 private JWK. */
export async function readKeyFile(file: string): Promise<SigningKey | undefined> {
  let text: string;
  let mtime: Date;
  try {
    text = await readFile(file, 'utf8');
    mtime = (await stat(file)).mtime;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let jwk: JWK & { created?: unknown };
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error(`The signing key ${file} is not valid JSON; restore it from a backup or delete it.`);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw new Error(`The signing key ${file} is not an Ed25519 private JWK; restore it or delete it.`);
  }
  const publicJwk = publicPart(jwk);
  const kid = typeof jwk.kid === 'string' ? jwk.kid : await calculateJwkThumbprint(publicJwk);
  const { created, ...privateJwk } = jwk;
  const createdAt =
    typeof created === 'string' && !Number.isNaN(Date.parse(created)) ? created : mtime.toISOString();
  const privateKey = await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA');
  const publicKey = await importJWK({ ...publicJwk, alg: 'EdDSA' }, 'EdDSA');
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) {
    throw new Error(`The signing key ${file} could not be imported.`);
  }
  return {
    kid,
    alg: 'EdDSA',
    privateKey,
    publicKey,
    publicJwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' },
    createdAt,
  };
}

function publicPart(jwk: JWK): JWK {
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string };
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
