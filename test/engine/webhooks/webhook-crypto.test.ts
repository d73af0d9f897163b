import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { AesSecretBox, secretKeyPath } from '../../../src/auth/secret-box.js';
import { deliveryHeaders, signDelivery } from '../../../src/engine/webhooks/signature.js';

const SECRET = `whsec_${Buffer.from('a fixed key of thirty-two bytes!').toString('base64')}`;

describe('Standard Webhooks signatures', () => {
  it('are what the standardwebhooks library computes and verifies', () => {
    const body = '{"type":"onhand.feed.entries","data":{"entries":[{"delta":0.3,"q":"ü"}]}}';
    const timestamp = Math.floor(Date.now() / 1000);
    const library = new Webhook(SECRET);
    expect(signDelivery(SECRET, 'msg_1', timestamp, body)).toBe(
      library.sign('msg_1', new Date(timestamp * 1000), body),
    );
    const headers = deliveryHeaders(SECRET, 'msg_1', timestamp, body);
    expect(library.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => library.verify(`${body} `, headers)).toThrow();
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(body, headers),
    ).toThrow();
  });
});

describe('AesSecretBox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onhand-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its key in keys/secrets-key (0600), the same for every process of the data directory', async () => {
    const [a, b] = await Promise.all([AesSecretBox.open(dir), AesSecretBox.open(dir)]);
    expect(statSync(secretKeyPath(dir)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(secretKeyPath(dir), 'utf8').trim(), 'base64')).toHaveLength(32);
    const sealed = a.seal(SECRET, 'webhook/env/wh_1');
    expect(sealed).not.toContain(SECRET.slice(6, 20));
    expect(b.open(sealed, 'webhook/env/wh_1')).toBe(SECRET);
    expect((await AesSecretBox.open(dir)).open(sealed, 'webhook/env/wh_1')).toBe(SECRET);
  });

  it('refuses a sealed value opened in another context or changed in any byte', async () => {
    const box = await AesSecretBox.open(dir);
    const sealed = box.seal(SECRET, 'webhook/env/wh_1');
    expect(box.seal(SECRET, 'webhook/env/wh_1')).not.toBe(sealed);
    expect(() => box.open(sealed, 'webhook/env/wh_2')).toThrow();
    const [v, iv, tag, data] = sealed.split('.') as [string, string, string, string];
    const flipped = `${data.startsWith('A') ? 'B' : 'A'}${data.slice(1)}`;
    expect(() => box.open([v, iv, tag, flipped].join('.'), 'webhook/env/wh_1')).toThrow();
    expect(() => new AesSecretBox(Buffer.alloc(32, 9)).open(sealed, 'webhook/env/wh_1')).toThrow();
  });
});
