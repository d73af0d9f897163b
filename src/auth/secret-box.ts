import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretBox } from '../engine/webhooks/webhook-ports.js';
import { writeOnce } from './signing-key.js';

const VERSION = 'v1';

/** Where the key that encrypts secrets at rest (webhook signing secrets) lives in the data directory. */
export function secretKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'secrets-key');
}

/**
 * Secrets at rest, encrypted with AES-256-GCM under one 32-byte key kept in `<dataDir>/keys/secrets-key`
 * (base64, mode 0600, created on first use like the signing key, so servers sharing the data directory
 * share it). Each sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url), bound to a context (the
 * environment and subscription ids) so a sealed value copied to another row does not open.
 */
export class AesSecretBox implements SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The secrets key must be 32 bytes.');
    this.#key = key;
  }

  /** Loads the key of the data directory, creating it when missing. */
  static async open(dataDir: string): Promise<AesSecretBox> {
    const file = secretKeyPath(dataDir);
    let text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
      await writeOnce(file, `${randomBytes(32).toString('base64')}\n`);
      text = await readFile(file, 'utf8');
    }
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key.`);
    return new AesSecretBox(key);
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || data === undefined)
      throw new Error('Not a sealed secret.');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
