import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { Metrics } from '../../src/http/metrics.js';
import { loggerOptions } from '../../src/log-options.js';
import { httpSettings, loadSettings } from '../../src/settings.js';
import { ADMIN_ID, ADMIN_SECRET, type Harness, startHarness, tshirtEvent } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const form = (fields: Record<string, string>) => ({
  rawBody: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  token: null,
});

describe('hardening', () => {
  it('every answer carries the security headers; API answers forbid any active content', async () => {
    h = await startHarness();
    for (const response of [
      await h.request('GET', '/api/environment/test/configuration'),
      await h.request('GET', '/api/environment/test/configuration', undefined, { token: null }),
      await h.request('GET', '/nowhere'),
    ]) {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
    }
  });

  it('a client over its rate limit gets 429 with Retry-After; other clients are not affected', async () => {
    h = await startHarness({ env: { ONHAND_RATE_LIMIT_PER_SECOND: '1', ONHAND_RATE_LIMIT_BURST: '2' } });
    const url = '/api/environment/test/configuration';
    expect((await h.request('GET', url)).statusCode).toBe(200);
    expect((await h.request('GET', url)).statusCode).toBe(200);
    const limited = await h.request('GET', url);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
    // A write over the limit is refused before its body is read: nothing is written.
    const write = await h.request('POST', '/api/environment/test/onhand', tshirtEvent('limited-1'));
    expect(write.statusCode).toBe(429);
    const other = await h.tokenFor(['test']);
    expect((await h.request('GET', url, undefined, { token: other })).statusCode).toBe(200);
    const ledger = await h.services.store.readLedger('test', 0, 100);
    expect(ledger.map((entry) => entry.eventId)).not.toContain('limited-1');
  });

  it('token endpoints are rate-limited per client id and per address, before any secret is checked', async () => {
    h = await startHarness({ env: { ONHAND_TOKEN_RATE_LIMIT_PER_MINUTE: '3' } });
    const attempt = (secret: string) =>
      h?.request(
        'POST',
        '/oauth2/token',
        undefined,
        form({ grant_type: 'client_credentials', client_id: ADMIN_ID, client_secret: secret }),
      );
    expect((await attempt('wrong'))?.statusCode).toBe(401);
    expect((await attempt('wrong'))?.statusCode).toBe(401);
    expect((await attempt(ADMIN_SECRET))?.statusCode).toBe(200);
    const limited = await attempt(ADMIN_SECRET);
    expect(limited?.statusCode).toBe(429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited?.json()).toMatchObject({ error: 'slow_down', code: 'rate_limited' });
    const exchange = await h.request(
      'POST',
      '/token',
      { client_assertion: 'x', context: 'test' },
      { token: null },
    );
    expect(exchange.statusCode).toBe(429);
  });

  it('behind a trusted proxy, the address is the one the proxy appended: a forged X-Forwarded-For escapes no limit', async () => {
    h = await startHarness({ env: { ONHAND_TOKEN_RATE_LIMIT_PER_MINUTE: '2', ONHAND_TRUST_PROXY: 'true' } });
    const exchange = (forged: string, seenByProxy: string) =>
      h?.request(
        'POST',
        '/token',
        { client_assertion: 'x', context: 'test' },
        { token: null, headers: { 'x-forwarded-for': `${forged}, ${seenByProxy}` } },
      );
    expect((await exchange('1.1.1.1', '10.0.0.7'))?.statusCode).toBe(401);
    expect((await exchange('2.2.2.2', '10.0.0.7'))?.statusCode).toBe(401);
    // A third attempt from the same client, whatever it writes itself, is limited ...
    expect((await exchange('3.3.3.3', '10.0.0.7'))?.statusCode).toBe(429);
    // ... while another client behind the same proxy is not.
    expect((await exchange('3.3.3.3', '10.0.0.8'))?.statusCode).toBe(401);
  });

  it('ONHAND_TRUST_PROXY takes false, true (one proxy) or a number of proxies', () => {
    const hops = (value: string) => loadSettings({}, { ONHAND_TRUST_PROXY: value }).trustProxy;
    expect([hops('false'), hops('true'), hops('2'), hops('0')]).toEqual([0, 1, 2, 0]);
    expect(() => hops('yes')).toThrow(/ONHAND_TRUST_PROXY/);
  });

  it('rate limits default: API off on SQLite, 1000/s per client on PostgreSQL; token attempts 60/min', () => {
    const sqlite = loadSettings({ data: '/tmp/x' }, {});
    expect(httpSettings(sqlite)).toMatchObject({
      rateLimit: undefined,
      tokenRateLimit: { ratePerSecond: 1, burst: 60 },
      requestTimeoutMs: 30_000,
    });
    const postgres = loadSettings({ data: '/tmp/x' }, { ONHAND_DATABASE_URL: 'postgres://db/onhand' });
    expect(httpSettings(postgres).rateLimit).toEqual({ ratePerSecond: 1000, burst: 2000 });
    expect(
      httpSettings(loadSettings({}, { ONHAND_TOKEN_RATE_LIMIT_PER_MINUTE: '0' })).tokenRateLimit,
    ).toBeUndefined();
    expect(() => loadSettings({}, { ONHAND_OIDC_ISSUER: 'https://idp' })).toThrow(/must be set together/);
  });

  it('a body over the limit gets 413 payload_too_large', async () => {
    h = await startHarness({ env: { ONHAND_BODY_LIMIT_BYTES: '2048' } });
    const big = tshirtEvent('big-1', { productId: 'x'.repeat(4096) });
    const response = await h.request('POST', '/api/environment/test/onhand', big);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('logs never hold secrets, assertions or tokens, even at trace level', async () => {
    h = await startHarness();
    let logs = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    const app = await buildApp(
      { ...h.services, metrics: new Metrics(), settings: httpSettings(h.settings) },
      { logger: { ...loggerOptions('trace'), stream } },
    );
    try {
      const step1 = await app.inject({
        method: 'POST',
        url: '/tenant/oauth2/v2.0/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: ADMIN_ID,
          client_secret: ADMIN_SECRET,
        }).toString(),
      });
      const assertion = (step1.json() as { access_token: string }).access_token;
      const step2 = await app.inject({
        method: 'POST',
        url: '/token',
        payload: { client_assertion: assertion, context: 'test', context_type: 'finops-env' },
      });
      const token = (step2.json() as { access_token: string }).access_token;
      await app.inject({
        method: 'GET',
        url: '/api/environment/test/configuration',
        headers: { authorization: `Bearer ${token}` },
      });
      await app.inject({
        method: 'GET',
        url: '/api/environment/test/configuration',
        headers: { authorization: `Bearer ${token}x` },
      });
      await app.inject({
        method: 'POST',
        url: '/oauth2/token',
        payload: {
          grant_type: 'client_credentials',
          client_id: ADMIN_ID,
          client_secret: `${ADMIN_SECRET}-wrong`,
        },
      });
    } finally {
      await app.close();
    }
    expect(logs).toContain('incoming request');
    for (const secret of [ADMIN_SECRET, h.adminToken.split('.')[2] ?? '']) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });

  it('the server bounds the time to receive a request', async () => {
    h = await startHarness({ env: { ONHAND_REQUEST_TIMEOUT_MS: '5000' } });
    expect(h.app.server.requestTimeout).toBe(5000);
  });
});
