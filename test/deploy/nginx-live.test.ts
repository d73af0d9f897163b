import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ServerProcess, startServerProcess } from '../support/server-process.js';
import { findTool, run } from '../support/tools.js';

/**
 * deploy/nginx/onhand.conf for real: nginx (where installed) runs the file, with its ports, certificate
 * and upstream addresses replaced by local ones, in front of a real `onhand serve`; curl talks to it over
 * TLS. The change feed's events come through at once, a bulk body over nginx's default 1 MB limit is
 * accepted, /metrics is not served, plain HTTP is redirected.
 */
const nginx = findTool('nginx');
const openssl = findTool('openssl');
const curl = findTool('curl');
const HOST = 'inventory.example.com';
const SECRET = 'ops-secret-for-the-nginx-test';
const suite = nginx && openssl && curl ? describe : describe.skip;

suite('Onhand behind deploy/nginx/onhand.conf', () => {
  const work = mkdtempSync(join(tmpdir(), 'onhand-nginx-live-'));
  let onhand: ServerProcess | undefined;
  let proxy: ChildProcess | undefined;
  let proxyOutput = '';
  let https = 0;
  let http = 0;
  let token = '';

  /** curl against the proxy, trusting the throw-away certificate; returns the body and the status. */
  function request(path: string, args: string[] = [], scheme: 'https' | 'http' = 'https') {
    const port = scheme === 'https' ? https : http;
    const result = run(curl!, [
      '-s',
      '-w',
      '\n%{http_code}',
      '--cacert',
      join(work, 'cert.pem'),
      '--resolve',
      `${HOST}:${port}:127.0.0.1`,
      `${scheme}://${HOST}:${port}${path}`,
      ...args,
    ]);
    const cut = result.output.lastIndexOf('\n');
    return { body: result.output.slice(0, cut), status: Number(result.output.slice(cut + 1)) };
  }
  const auth = () => ['-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/json'];

  beforeAll(async () => {
    onhand = await startServerProcess({
      ONHAND_DATA_DIR: join(work, 'data'),
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: 'shop',
      ONHAND_TRUST_PROXY: '1',
    });
    const made = run(openssl!, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(work, 'key.pem'),
      '-out',
      join(work, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
    ]);
    expect(made.status, made.output).toBe(0);
    [https, http] = [await freePort(), await freePort()];
    const upstream = onhand.url.replace('http://', '');
    const conf = readFileSync(
      fileURLToPath(new URL('../../deploy/nginx/onhand.conf', import.meta.url)),
      'utf8',
    )
      .replaceAll('10.0.0.11:8080', upstream)
      .replaceAll('10.0.0.12:8080', upstream)
      .replace('listen 80;', `listen 127.0.0.1:${http};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${https} ssl http2;`)
      .replace(/^ *listen \[::\]:(80|443).*\n/gm, '')
      .replace(`/etc/letsencrypt/live/${HOST}/fullchain.pem`, join(work, 'cert.pem'))
      .replace(`/etc/letsencrypt/live/${HOST}/privkey.pem`, join(work, 'key.pem'))
      .replace('return 301 https://$host$request_uri;', `return 301 https://$host:${https}$request_uri;`);
    writeFileSync(join(work, 'onhand.conf'), conf);
    mkdirSync(join(work, 'temp'));
    writeFileSync(
      join(work, 'nginx.conf'),
      [
        process.getuid?.() === 0 ? 'user root;' : '',
        `pid ${work}/nginx.pid;`,
        'error_log stderr;',
        'daemon off;',
        'events {}',
        `http { access_log off; client_body_temp_path ${work}/temp/body; proxy_temp_path ${work}/temp/proxy;`,
        `  fastcgi_temp_path ${work}/temp/f; uwsgi_temp_path ${work}/temp/u; scgi_temp_path ${work}/temp/s;`,
        `  include ${work}/onhand.conf; }`,
      ].join('\n'),
    );
    proxy = spawn(nginx!, ['-p', work, '-c', join(work, 'nginx.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy.stderr?.on('data', (chunk: Buffer) => {
      proxyOutput += chunk.toString();
    });
    for (let i = 0; i < 100 && request('/health/ping').status !== 200; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = request('/oauth2/token', [
      '-d',
      'grant_type=client_credentials',
      '-d',
      'client_id=ops',
      '-d',
      `client_secret=${SECRET}`,
    ]);
    expect(answer.status, `${answer.body}\n${proxyOutput}`).toBe(200);
    token = (JSON.parse(answer.body) as { access_token: string }).access_token;
  }, 60_000);

  afterAll(async () => {
    if (proxy && proxy.exitCode === null) {
      const exited = new Promise((resolve) => proxy!.once('exit', resolve));
      proxy.kill('SIGQUIT');
      await exited;
    }
    await onhand?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('passes each event of the change feed through as it happens', async () => {
    const stream = spawn(curl!, [
      '-sN',
      '--cacert',
      join(work, 'cert.pem'),
      '--resolve',
      `${HOST}:${https}:127.0.0.1`,
      `https://${HOST}:${https}/api/environment/shop/feed/stream`,
      ...auth(),
    ]);
    let received = '';
    stream.stdout.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    try {
      // The stream is open once its first line (retry:) came through the proxy.
      for (let i = 0; i < 100 && !received.includes('retry:'); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toContain('retry:');
      for (const id of ['through-nginx-1', 'through-nginx-2']) {
        const body = JSON.stringify({
          id,
          organizationId: 'usmf',
          productId: 'Lamp',
          dimensions: { siteId: '1', locationId: '11' },
          quantities: { pos: { inbound: 1 } },
        });
        expect(request('/api/environment/shop/onhand', ['-d', body, ...auth()]).status).toBe(200);
        const sent = Date.now();
        while (!received.includes(`"eventId":"${id}"`) && Date.now() - sent < 5000)
          await new Promise((resolve) => setTimeout(resolve, 20));
        // A buffering proxy would hold a small event back until its buffer filled or the stream ended.
        expect(received, proxyOutput).toContain(`"eventId":"${id}"`);
        expect(Date.now() - sent).toBeLessThan(2000);
      }
    } finally {
      stream.kill();
    }
  });

  it("accepts a bulk body over nginx's default 1 MB limit", () => {
    const items = Array.from({ length: 512 }, (_, i) => ({
      id: `big-${i}`,
      organizationId: 'usmf',
      productId: `P${i}`,
      dimensions: { siteId: '1', locationId: '11' },
      quantities: { pos: { inbound: 1 } },
    }));
    // Padding (JSON whitespace) takes the body to 2 MB.
    const body = JSON.stringify(items).replace('[', `[${' '.repeat(2 * 1024 * 1024)}`);
    writeFileSync(join(work, 'bulk.json'), body);
    const answer = request('/api/environment/shop/onhand/bulk', [
      '--data-binary',
      `@${join(work, 'bulk.json')}`,
      ...auth(),
    ]);
    expect(answer.status, answer.body.slice(0, 500)).toBe(200);
  });

  it('keeps /metrics private and sends plain HTTP to HTTPS', () => {
    expect(request('/metrics').status).toBe(404);
    const redirect = request('/readyz', ['-o', '/dev/null', '-D', '-'], 'http');
    expect(redirect.status).toBe(301);
    expect(redirect.body).toMatch(
      new RegExp(`location: https://${HOST.replaceAll('.', '\\.')}:${https}/readyz`, 'i'),
    );
    expect(request('/readyz').body).toBe('{"status":"ready"}');
  });
});
