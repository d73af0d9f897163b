import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../bench/server.js';
import { loadSettings } from '../../src/settings.js';
import { findTool, run } from '../support/tools.js';

/**
 * deploy/systemd/onhand.service and its settings file onhand.env.example: the unit passes
 * `systemd-analyze verify` where systemd is installed (no warning at all, not only no error), and the
 * settings file holds only documented settings whose values Onhand accepts.
 */
const SYSTEMD = fileURLToPath(new URL('../../deploy/systemd/', import.meta.url));
const CONFIGURATION = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));
const unit = readFileSync(join(SYSTEMD, 'onhand.service'), 'utf8');
const envFile = readFileSync(join(SYSTEMD, 'onhand.env.example'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'onhand-systemd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `KEY=value` lines of a systemd environment file (comments and blank lines left out). */
function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
      if (!match) throw new Error(`not a KEY=value line: ${line}`);
      return [match[1]!, match[2]!] as const;
    });
  return Object.fromEntries(entries);
}

/** Values of `key` in the unit's [Service] section. */
function serviceValues(key: string): string[] {
  const service = unit.slice(unit.indexOf('[Service]'), unit.indexOf('[Install]'));
  return [...service.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);
}

describe('deploy/systemd/onhand.service', () => {
  it('starts node with the flags npm start gives it, which the benchmark harness measures', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const flags = SERVER_NODE_FLAGS.join(' ');
    expect(pkg.scripts.start).toBe(`node ${flags} dist/cli/onhand.js serve`);
    expect(serviceValues('ExecStart')).toEqual([
      `/usr/bin/node ${flags} /opt/onhand/dist/cli/onhand.js serve`,
    ]);
  });

  it('serves with node, stops with SIGTERM and time to drain, and reads the settings file', () => {
    expect(serviceValues('ExecStart')).toEqual([
      '/usr/bin/node --max-semi-space-size=32 /opt/onhand/dist/cli/onhand.js serve',
    ]);
    expect(serviceValues('KillSignal')).toEqual(['SIGTERM']);
    expect(Number(serviceValues('TimeoutStopSec')[0])).toBeGreaterThanOrEqual(30);
    expect(serviceValues('EnvironmentFile')).toEqual(['/etc/onhand/onhand.env']);
    expect(serviceValues('StateDirectory')).toEqual(['onhand']);
    expect(serviceValues('Environment')).toContain('ONHAND_DATA_DIR=/var/lib/onhand');
    expect(serviceValues('User')).toEqual(['onhand']);
    // Crashes and a database that stays away are retried; no exit code is excluded from restarting.
    expect(serviceValues('Restart')).toEqual(['on-failure']);
    expect(serviceValues('RestartPreventExitStatus')).toEqual([]);
    expect(unit).toMatch(/^\[Unit\][\s\S]*^StartLimitBurst=5$[\s\S]*^\[Service\]/m);
  });

  const analyze = findTool('systemd-analyze');
  it.runIf(analyze)('passes systemd-analyze verify without a warning', () => {
    // The unit names /usr/bin/node; verify checks that it exists, so point it at this node.
    writeFileSync(join(work, 'onhand.service'), unit.replace('/usr/bin/node ', `${process.execPath} `));
    const result = run(analyze!, ['verify', join(work, 'onhand.service')], {
      env: { ...process.env, SYSTEMD_LOG_LEVEL: 'notice' },
    });
    expect(result.output.trim()).toBe('');
    expect(result.status, result.output).toBe(0);
  });
});

describe('deploy/systemd/onhand.env.example', () => {
  const settings = parseEnvFile(envFile);

  it('sets only settings documented in docs/configuration.md', () => {
    const documented = readFileSync(CONFIGURATION, 'utf8');
    const names = Object.keys(settings);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !documented.includes(`\`${name}\``))).toEqual([]);
  });

  it('holds values Onhand accepts, as the unit runs it', () => {
    const loaded = loadSettings({}, { ...settings, ONHAND_DATA_DIR: '/var/lib/onhand' });
    expect(loaded.host).toBe('127.0.0.1');
    expect(loaded.databaseUrl).toMatch(/^postgres:\/\//);
    expect(loaded.databasePoolSize).toBe(20);
    expect(loaded.trustProxy).toBe(1);
    expect(loaded.logFormat).toBe('json');
    expect(loaded.adminClientId).toBe('admin');
  });
});
