import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, makeCertificate, ProxyClient } from '../support/proxy-client.js';
import { freePort, type ServerProcess, startServerProcess } from '../support/server-process.js';
import { findTool } from '../support/tools.js';

/**
 * deploy/caddy/Caddyfile for real: Caddy (where installed) runs the file in front of a real
 * `onhand serve`, with local ports, the upstream addresses replaced by the server's, and a throw-away
 * certificate instead of one from Let's Encrypt; curl talks to it over TLS. The change feed's events
 * come through at once, a 2 MB bulk body is accepted, /metrics is not served, and the active health
 * check on /readyz keeps the server in rotation.
 */
const caddy = findTool('caddy');
const openssl = findTool('openssl');
const curl = findTool('curl');
const SECRET = 'ops-secret-for-the-caddy-test';
const suite = caddy && openssl && curl ? describe : describe.skip;

suite('Onhand behind deploy/caddy/Caddyfile', () => {
  const work = mkdtempSync(join(tmpdir(), 'onhand-caddy-live-'));
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
    const caddyfile = readFileSync(
      fileURLToPath(new URL('../../deploy/caddy/Caddyfile', import.meta.url)),
      'utf8',
    );
    expect(caddyfile).toContain(`${HOST} {\n`);
    const local = [
      '{',
      '\tadmin off',
      `\thttp_port ${client.httpPort}`,
      `\thttps_port ${client.httpsPort}`,
      '\tskip_install_trust',
      '}',
      caddyfile
        .replace(`${HOST} {\n`, `${HOST} {\n\ttls ${join(work, 'cert.pem')} ${join(work, 'key.pem')}\n`)
        .replace('10.0.0.11:8080 10.0.0.12:8080', upstream),
    ].join('\n');
    writeFileSync(join(work, 'Caddyfile'), local);
    proxy = spawn(caddy!, ['run', '--config', join(work, 'Caddyfile'), '--adapter', 'caddyfile'], {
      env: { ...process.env, HOME: work, XDG_DATA_HOME: work, XDG_CONFIG_HOME: work },
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
      proxy.kill('SIGTERM');
      await exited;
    }
    await onhand?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('passes each event of the change feed through as it happens', async () => {
    const latencies = await client.feedLatencies('shop', ['through-caddy-1', 'through-caddy-2']);
    for (const ms of latencies) expect(ms, proxyOutput).toBeLessThan(2000);
  });

  it('accepts a 2 MB bulk body and refuses one over its 4 MB limit', () => {
    expect(
      client.bigBulk('shop', 2 * 1024 * 1024, join(work, 'bulk.json'), writeFileSync).status,
      proxyOutput,
    ).toBe(200);
    expect(client.stockOf('shop', 'big-P0')).toHaveLength(1);
    // Caddy counts its limit while it reads the body, answers 413 and closes the connection; on a loaded
    // machine curl can meet the reset before it reads the answer (no status, three attempts in a row): curl
    // exits 55 or 56 when the connection is closed, 92 (or 16) when HTTP/2 resets the stream instead. A
    // refusal either way: nothing of the body reached the server.
    const huge = client.bigBulk('shop', 5 * 1024 * 1024, join(work, 'huge.json'), writeFileSync, 'huge');
    if (huge.status !== 413)
      expect({ ...huge, reset: [16, 55, 56, 92].includes(huge.exit ?? 0) }, proxyOutput).toMatchObject({
        status: 0,
        reset: true,
      });
    expect(client.stockOf('shop', 'huge-P0')).toEqual([]);
  });

  it('keeps /metrics private and checks /readyz', async () => {
    expect(client.request('/metrics').status).toBe(404);
    // Through the proxy once its active health check holds the server in rotation (on a loaded machine a
    // slow check can take it out for one interval: the proxy answers 503 with no body meanwhile).
    let ready = client.request('/readyz');
    for (let i = 0; i < 100 && ready.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = client.request('/readyz');
    }
    expect(ready.body, proxyOutput).toBe('{"status":"ready"}');
    expect(onhand!.output()).not.toContain('readiness check failed');
  });
});
