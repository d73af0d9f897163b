import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs scripts/build.mjs in a copy of the project (its own src/ and dist/), as npm start does. */
describe('scripts/build.mjs: npm start compiles only when the sources changed', { timeout: 120_000 }, () => {
  let dir = '';
  const entry = () => join(dir, 'dist', 'cli', 'onhand.js');
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [join(dir, 'scripts', 'build.mjs'), ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: result.status, stderr: result.stderr, stdout: result.stdout };
  };
  const source = (text: string) => writeFileSync(join(dir, 'src', 'cli', 'onhand.ts'), text);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'onhand-build-'));
    for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package.json'])
      cpSync(join(ROOT, file), join(dir, file));
    cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
    source("export const greeting: string = 'hello';\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the first start compiles, and a second one with the same sources does not', () => {
    const first = run('--if-stale');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain('Compiling src/ into dist/');
    expect(existsSync(entry())).toBe(true);
    const built = statSync(entry()).mtimeMs;

    const second = run('--if-stale');
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toBe('');
    expect(statSync(entry()).mtimeMs).toBe(built);
  });

  it('a changed source is compiled at the next start', () => {
    source("export const greeting: string = 'hello again';\n");
    const result = run('--if-stale');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('Compiling');
    expect(
      spawnSync(process.execPath, [
        '--input-type=module',
        '-e',
        `console.log((await import(${JSON.stringify(pathToFileURL(entry()).href)})).greeting)`,
      ]).stdout.toString(),
    ).toContain('hello again');
  });

  it('a missing build is compiled even when the recorded sources match', () => {
    rmSync(entry());
    expect(run('--if-stale').status).toBe(0);
    expect(existsSync(entry())).toBe(true);
  });

  it('a source that does not compile stops the start, and is tried again at the next one', () => {
    source("export const greeting: number = 'not a number';\n");
    const failed = run('--if-stale');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('tsc failed');
    expect(run('--if-stale').status).toBe(1);
    source("export const greeting: string = 'fixed';\n");
    expect(run('--if-stale').status).toBe(0);
  });

  it('npm run build always compiles', () => {
    const built = statSync(entry()).mtimeMs;
    const result = run();
    expect(result.status, result.stderr).toBe(0);
    expect(statSync(entry()).mtimeMs).toBeGreaterThan(built);
  });
});
