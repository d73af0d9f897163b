import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findTool, run } from '../support/tools.js';

/**
 * The reverse proxy examples of docs/operations.md (deploy/nginx/onhand.conf, deploy/caddy/Caddyfile):
 * validated by the proxy itself when it is installed here (`nginx -t`, `caddy validate`), and checked
 * in any case for what Onhand needs from a proxy: the change feed's event stream unbuffered and kept
 * open longer than its 15-second heartbeat, bodies up to ONHAND_BODY_LIMIT_BYTES, health checks on
 * /readyz, /metrics kept private.
 */
const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const nginxConf = readFileSync(join(DEPLOY, 'nginx/onhand.conf'), 'utf8');
const caddyfile = readFileSync(join(DEPLOY, 'caddy/Caddyfile'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'onhand-proxy-configs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Seconds of an nginx time ("60s", "1h", "90"). */
function seconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) throw new Error(`not an nginx time: ${value}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's'] ?? 1;
  return Number(match[1]) * unit;
}

/** The directives of the nginx block that follows `header` (one level of braces), name → value. */
function nginxBlock(text: string, header: string): Map<string, string> {
  const start = text.indexOf(`${header} {`);
  expect(start, header).toBeGreaterThanOrEqual(0);
  const body = text.slice(start + header.length + 2, text.indexOf('\n    }', start));
  return new Map(
    [...body.matchAll(/^\s*([a-z_]+)\s+([^;]*);/gm)].map((m) => [m[1]!, m[2]!.trim()] as [string, string]),
  );
}

describe('deploy/nginx/onhand.conf', () => {
  it('streams the change feed unbuffered, with a read timeout longer than the heartbeat', () => {
    const stream = nginxBlock(nginxConf, 'location ~ /feed/stream$');
    expect(stream.get('proxy_buffering')).toBe('off');
    expect(stream.get('proxy_pass')).toBe('http://onhand');
    expect(seconds(stream.get('proxy_read_timeout') ?? '60s')).toBeGreaterThan(15);
    // The stream's path is what the regular expression matches.
    expect(/\/feed\/stream$/.test('/api/environment/demo/feed/stream')).toBe(true);
  });

  it('accepts the bodies Onhand accepts and waits longer than a statement may run', () => {
    const size = /client_max_body_size (\d+)m;/.exec(nginxConf);
    expect(Number(size?.[1])).toBeGreaterThanOrEqual(4);
    const read = /^ {4}proxy_read_timeout (\S+);/m.exec(nginxConf);
    expect(seconds(read?.[1] ?? '')).toBeGreaterThan(30);
    expect(nginxConf).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(nginxConf).not.toMatch(/^\s*(ip_hash|sticky|hash)\b/m);
    expect(nginxBlock(nginxConf, 'location = /metrics').get('return')).toBe('404');
  });

  const nginx = findTool('nginx');
  const openssl = findTool('openssl');
  it.runIf(nginx && openssl)(
    'passes nginx -t (with a throw-away certificate in place of the real one)',
    () => {
      const cert = join(work, 'cert.pem');
      const key = join(work, 'key.pem');
      const made = run(openssl!, [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=inventory.example.com',
      ]);
      expect(made.status, made.output).toBe(0);
      writeFileSync(
        join(work, 'onhand.conf'),
        nginxConf
          .replace('/etc/letsencrypt/live/inventory.example.com/fullchain.pem', cert)
          .replace('/etc/letsencrypt/live/inventory.example.com/privkey.pem', key),
      );
      writeFileSync(
        join(work, 'nginx.conf'),
        `pid ${work}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp { include ${work}/onhand.conf; }\n`,
      );
      const result = run(nginx!, ['-t', '-p', work, '-c', join(work, 'nginx.conf')]);
      expect(result.output).toContain('test is successful');
      expect(result.status, result.output).toBe(0);
    },
  );
});

describe('deploy/caddy/Caddyfile', () => {
  it('flushes the event stream at once, checks /readyz, keeps /metrics private', () => {
    expect(caddyfile).toMatch(/^\s*flush_interval -1$/m);
    expect(caddyfile).toMatch(/^\s*health_uri \/readyz$/m);
    expect(caddyfile).toMatch(/@metrics path \/metrics\n\s*respond @metrics 404/);
    expect(caddyfile).toMatch(/@compressible not path \*\/feed\/stream\n\s*encode @compressible /);
    expect(caddyfile).not.toMatch(/lb_policy (ip_hash|cookie|client_ip)/);
  });

  const caddy = findTool('caddy');
  it.runIf(caddy)('passes caddy validate and is formatted as caddy fmt writes it', () => {
    const env = { ...process.env, HOME: work, XDG_DATA_HOME: work, XDG_CONFIG_HOME: work };
    const file = join(DEPLOY, 'caddy/Caddyfile');
    const result = run(caddy!, ['validate', '--config', file, '--adapter', 'caddyfile'], { env });
    expect(result.output).toContain('Valid configuration');
    expect(result.status, result.output).toBe(0);
    const formatted = run(caddy!, ['fmt', file], { env });
    expect(formatted.status, formatted.output).toBe(0);
    expect(formatted.output).toBe(caddyfile);
  });
});
