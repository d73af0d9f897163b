import { randomBytes } from 'node:crypto';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import {
  loadOrCreateSigningKey,
  newKeyFileContent,
  readKeyFile,
  type SigningKey,
  writeOnce,
} from './signing-key.js';

/** The keys a TokenService signs with (the newest) and verifies with (any, by kid). */
export interface KeySource {
  /** The key new tokens are signed with. */
  current(): Promise<SigningKey>;
  /** The key with this kid, or undefined. */
  find(kid: string): Promise<SigningKey | undefined>;
  /** Every public key, for /.well-known/jwks.json. */
  jwks(): Promise<{ keys: JWK[] }>;
}

/** A fixed set of keys (the newest signs); for tests and for a single key. */
export class StaticKeys implements KeySource {
  readonly #keys: readonly SigningKey[];
  constructor(keys: readonly SigningKey[]) {
    if (keys.length === 0) throw new Error('StaticKeys needs at least one key.');
    this.#keys = [...keys].sort(byCreation);
  }
  async current(): Promise<SigningKey> {
    return this.#keys[this.#keys.length - 1] as SigningKey;
  }
  async find(kid: string): Promise<SigningKey | undefined> {
    return this.#keys.find((key) => key.kid === kid);
  }
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: this.#keys.map((key) => key.publicJwk) };
  }
}

const KEY_FILE = /^signing-key(-[0-9A-Za-z-]+)?\.json$/;
/** How often the ring looks for keys added by `onhand keys rotate` (ms). */
const RELOAD_MS = 30_000;
/** Unknown kids reload the ring at most this often, so junk tokens cannot make it read the disk each time. */
const UNKNOWN_KID_RELOAD_MS = 5_000;

/**
 * The signing keys in `<dataDir>/keys/`: `signing-key.json` (the first key) and one
 * `signing-key-<time>-<random>.json` per rotation. The newest key signs; every key still present verifies.
 * A running server picks up a rotated key within 30 seconds (or at once when a token names its kid).
 */
export class KeyRing implements KeySource {
  readonly #dataDir: string;
  readonly #clock: () => Date;
  #keys: readonly SigningKey[];
  #loadedAt: number;
  #lastUnknownReload = 0;

  private constructor(dataDir: string, keys: readonly SigningKey[], clock: () => Date) {
    this.#dataDir = dataDir;
    this.#keys = keys;
    this.#clock = clock;
    this.#loadedAt = clock().getTime();
  }

  /** Loads the ring, creating the first key when there is none. */
  static async open(dataDir: string, clock: () => Date = () => new Date()): Promise<KeyRing> {
    await loadOrCreateSigningKey(dataDir, clock());
    return new KeyRing(dataDir, await readKeys(dataDir), clock);
  }

  async current(): Promise<SigningKey> {
    if (this.#clock().getTime() - this.#loadedAt >= RELOAD_MS) await this.reload();
    return this.#keys[this.#keys.length - 1] as SigningKey;
  }

  async find(kid: string): Promise<SigningKey | undefined> {
    // Periodic reload also drops keys an operator deleted (a leaked key stops verifying within 30 s).
    if (this.#clock().getTime() - this.#loadedAt >= RELOAD_MS) await this.reload();
    const known = this.#keys.find((key) => key.kid === kid);
    if (known) return known;
    const now = this.#clock().getTime();
    if (now - this.#lastUnknownReload < UNKNOWN_KID_RELOAD_MS) return undefined;
    this.#lastUnknownReload = now;
    await this.reload();
    return this.#keys.find((key) => key.kid === kid);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    if (this.#clock().getTime() - this.#loadedAt >= RELOAD_MS) await this.reload();
    return { keys: this.#keys.map((key) => key.publicJwk) };
  }

  /** Reads the keys directory again. */
  async reload(): Promise<void> {
    const keys = await readKeys(this.#dataDir);
    if (keys.length > 0) this.#keys = keys;
    this.#loadedAt = this.#clock().getTime();
  }
}

/** What `onhand keys rotate` did. */
export interface RotationResult {
  readonly added: SigningKey;
  /** kids of keys removed because every token they signed has expired. */
  readonly removed: readonly string[];
}

/**
 * Adds a new signing key, which signs every token from now on (servers pick it up within 30 s), and
 * removes keys that were superseded more than `retainSeconds` ago (every token they signed has
 * expired by then: pass at least the longest token lifetime). The newest older key is always kept.
 */
export async function rotateKeys(dataDir: string, now: Date, retainSeconds: number): Promise<RotationResult> {
  await loadOrCreateSigningKey(dataDir, now);
  const dir = join(dataDir, 'keys');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const name = `signing-key-${stamp}-${randomBytes(3).toString('hex')}.json`;
  await writeOnce(join(dir, name), await newKeyFileContent(now));
  const files = await keyFiles(dataDir);
  const added = files.find((f) => f.name === name)?.key;
  if (!added) throw new Error(`The new signing key ${name} could not be read back.`);
  const removed: string[] = [];
  // A key is retired when its successor was created; it may go once that is retainSeconds old.
  for (let i = 0; i < files.length - 2; i++) {
    const successor = files[i + 1] as KeyFile;
    const retiredFor = (now.getTime() - Date.parse(successor.key.createdAt)) / 1000;
    const file = files[i] as KeyFile;
    if (retiredFor > retainSeconds) {
      await unlink(join(dir, file.name));
      removed.push(file.key.kid);
    }
  }
  return { added, removed };
}

/** Every key in the ring, oldest first. */
export async function listKeys(dataDir: string): Promise<SigningKey[]> {
  return readKeys(dataDir);
}

interface KeyFile {
  readonly name: string;
  readonly key: SigningKey;
}

async function readKeys(dataDir: string): Promise<SigningKey[]> {
  return (await keyFiles(dataDir)).map((file) => file.key);
}

async function keyFiles(dataDir: string): Promise<KeyFile[]> {
  const dir = join(dataDir, 'keys');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => KEY_FILE.test(name));
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  const files: KeyFile[] = [];
  for (const name of names) {
    const key = await readKeyFile(join(dir, name));
    if (key) files.push({ name, key });
  }
  // Same creation time: the first key (signing-key.json) is the oldest, then rotated keys by name.
  const rank = (f: KeyFile) => (f.name === 'signing-key.json' ? '' : f.name);
  return files.sort((a, b) => byCreation(a.key, b.key) || (rank(a) < rank(b) ? -1 : 1));
}

function byCreation(a: SigningKey, b: SigningKey): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt);
}
