import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, makeCertificate, ProxyClient } from '../support/proxy-client.js';
import { freePort, type ServerProcess, startServerProcess } from '../support/server-process.js';
import { findTool } from '../support/tools.js';

/**
 * deploy/nginx/onhand.conf for real: nginx (where installed) runs the file, with its ports, certificate
 * and upstream addresses replaced by local ones, in front of a real `onhand serve`; curl talks to it over
 * TLS. The change feed's events come through at once, a bulk body over nginx's default 1 MB limit is
 * accepted, /metrics is not served, plain HTTP is redirected.
 */
const nginx = findTool('nginx');
const openssl = findTool('openssl');
const curl = findTool('curl');
const SECRET = 'ops-secret-for-the-nginx-test';
const suite = nginx && openssl && curl ? describe : describe.skip;

suite('Onhand behind deploy/nginx/onhand.conf', () => {
  const work = mkdtempSync(join(tmpdir(), 'onhand-nginx-live-'));
  let onhand: ServerProcess | undefined;
  let proxy: ChildProcess | undefined;
  let proxyOutput = '';
  let client: ProxyClient;

  beforeAll(async () => {
    onhand = await startServerProcess({
      ONHAND_DATA_DIR: join(work, 'data'),
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: 'shop',
      ONHAND_TRUST_PROXY: '1',
    });
    makeCertificate(openssl!, work);
    client = new ProxyClient(curl!, work, await freePort(), await freePort());
    const upstream = onhand.url.replace('http://', '');
    const conf = readFileSync(
      fileURLToPath(new URL('../../deploy/nginx/onhand.conf', import.meta.url)),
      'utf8',
    )
      .replaceAll('10.0.0.11:8080', upstream)
      .replaceAll('10.0.0.12:8080', upstream)
      .replace('listen 80;', `listen 127.0.0.1:${client.httpPort};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${client.httpsPort} ssl http2;`)
      .replace(/^ *listen \[::\]:(80|443).*\n/gm, '')
      .replace(`/etc/letsencrypt/live/${HOST}/fullchain.pem`, join(work, 'cert.pem'))
      .replace(`/etc/letsencrypt/live/${HOST}/privkey.pem`, join(work, 'key.pem'))
      .replace(
        'return 301 https://$host$request_uri;',
        `return 301 https://$host:${client.httpsPort}$request_uri;`,
      );
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
    await client.signIn('ops', SECRET, () => proxyOutput);
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
    // A buffering proxy would hold a small event back until its buffer filled or the stream ended.
    const latencies = await client.feedLatencies('shop', ['through-nginx-1', 'through-nginx-2']);
    for (const ms of latencies) expect(ms, proxyOutput).toBeLessThan(2000);
  });

  it("accepts a bulk body over nginx's default 1 MB limit", () => {
    expect(client.bigBulk('shop', 2 * 1024 * 1024, join(work, 'bulk.json'), writeFileSync).status).toBe(200);
  });

  it('keeps /metrics private and sends plain HTTP to HTTPS', () => {
    expect(client.request('/metrics').status).toBe(404);
    const redirect = client.request('/readyz', ['-o', '/dev/null', '-D', '-'], 'http');
    expect(redirect.status).toBe(301);
    expect(redirect.body.toLowerCase()).toContain(`location: https://${HOST}:${client.httpsPort}/readyz`);
    expect(client.request('/readyz').body).toBe('{"status":"ready"}');
  });
});
