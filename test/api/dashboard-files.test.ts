import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/settings.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * The dashboard's files at /ui (ONHAND_DASHBOARD_DIR): served by name only, with the dashboard's strict
 * Content-Security-Policy; a folder without index.html says how to build it; `off` serves nothing.
 */
const dir = mkdtempSync(join(tmpdir(), 'onhand-ui-files-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Onhand</title>');
writeFileSync(join(dir, 'app.js'), 'console.log(1);');
writeFileSync(join(dir, '.secret'), 'hidden');
const empty = mkdtempSync(join(tmpdir(), 'onhand-ui-empty-'));
const harnesses: Harness[] = [];
const start = async (value: string) => {
  const h = await startHarness({ env: { ONHAND_DASHBOARD_DIR: value } });
  harnesses.push(h);
  return h;
};
afterAll(async () => {
  for (const h of harnesses) await h.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

describe('the dashboard files', () => {
  it('serves index.html at /ui and /ui/ and its assets, under the strict policy, without a token', async () => {
    const h = await start(dir);
    for (const url of ['/ui', '/ui/', '/UI/index.html']) {
      const res = await h.request('GET', url, undefined, { token: null });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<title>Onhand</title>');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("require-trusted-types-for 'script'; trusted-types 'none'");
      expect(csp).not.toMatch(/unsafe-(inline|eval)/);
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    const script = await h.request('GET', '/ui/app.js', undefined, { token: null });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    // The API keeps its own policy.
    const api = await h.request('GET', '/api/me');
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('answers 404 for dot files, other folders and paths that leave the folder', async () => {
    const h = harnesses[0] ?? (await start(dir));
    for (const url of [
      '/ui/.secret',
      '/ui/../package.json',
      '/ui/%2e%2e/package.json',
      '/ui/a/b.js',
      '/ui/missing.js',
    ]) {
      const res = await h.request('GET', url, undefined, { token: null });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('hidden');
      expect(res.json()).toMatchObject({ code: 'not_found' });
    }
  });

  it('says how to build it when the folder has no index.html, and serves nothing when off', async () => {
    const unbuilt = await start(empty);
    const res = await unbuilt.request('GET', '/ui/', undefined, { token: null });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('npm run build:ui'),
    });
    const off = await start('off');
    expect((await off.request('GET', '/ui/', undefined, { token: null })).json()).toMatchObject({
      code: 'not_found',
      message: 'No route for GET /ui/.',
    });
  });

  it('defaults to the workspace build folder', () => {
    const settings = loadSettings({}, {});
    expect(settings.dashboardDir?.replaceAll('\\', '/')).toMatch(/packages\/dashboard\/dist\/?$/);
    expect(loadSettings({}, { ONHAND_DASHBOARD_DIR: 'OFF' }).dashboardDir).toBeUndefined();
  });
});
