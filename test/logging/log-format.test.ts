import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { Metrics } from '../../src/http/metrics.js';
import { effectiveLogFormat, type LogFormat, loggerOptions } from '../../src/log-options.js';
import { httpSettings, loadSettings } from '../../src/settings.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The log lines an app writes while it answers an authenticated request and a failed one. */
async function logsOf(format: 'json' | 'pretty'): Promise<string[]> {
  h = await startHarness();
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const options = loggerOptions('info', format, destination);
  const app = await buildApp(
    { ...h.services, metrics: new Metrics(), settings: httpSettings(h.settings) },
    { logger: format === 'json' ? { ...options, stream: destination } : options },
  );
  try {
    const headers = { authorization: `Bearer ${h.adminToken}` };
    expect(
      (await app.inject({ method: 'GET', url: '/api/environment/test/configuration', headers })).statusCode,
    ).toBe(200);
    app.log.info({ environmentId: 'test' }, 'created environment');
  } finally {
    await app.close();
  }
  await new Promise((resolve) => setImmediate(resolve));
  return text
    .replace(ANSI, '')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

describe('log format', () => {
  it.each<[LogFormat, boolean, 'json' | 'pretty']>([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['json', false, 'json'],
    ['pretty', true, 'pretty'],
    ['pretty', false, 'pretty'],
  ])('%s on a terminal: %s writes %s', (format, tty, expected) => {
    expect(effectiveLogFormat(format, tty)).toBe(expected);
  });

  it('ONHAND_LOG_FORMAT is auto unless set, and refuses other values', () => {
    expect(loadSettings({}, {}).logFormat).toBe('auto');
    expect(loadSettings({}, { ONHAND_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadSettings({}, { ONHAND_LOG_FORMAT: 'yaml' })).toThrow(
      'ONHAND_LOG_FORMAT must be one of auto, json, pretty; got "yaml".',
    );
  });

  it('json writes one object per line, with the request id and the fields', async () => {
    const lines = await logsOf('json');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.find((e) => e.msg === 'request completed')).toMatchObject({
      level: 30,
      reqId: expect.any(String),
    });
    expect(entries.find((e) => e.msg === 'created environment')).toMatchObject({ environmentId: 'test' });
  });

  it('pretty writes readable lines (time, level, message, then the fields), still without credentials', async () => {
    const lines = await logsOf('pretty');
    const text = lines.join('\n');
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: created environment$/m);
    expect(text).toMatch(/^\[[\d:.]+\] INFO: request completed$/m);
    expect(text).toMatch(/^\s+"url": "\/api\/environment\/test\/configuration",$/m);
    expect(text).toMatch(/^\s+environmentId: "test"$/m);
    expect(lines.some((line) => line.startsWith('{'))).toBe(false);
    expect(text).not.toContain(h?.adminToken ?? 'no token');
  });
});
