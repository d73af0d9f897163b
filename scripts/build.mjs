#!/usr/bin/env node
/**
 * Compiles src/ into dist/ (tsc -p tsconfig.build.json), run from the package's root.
 *
 *   node scripts/build.mjs             always compiles (npm run build)
 *   node scripts/build.mjs --if-stale  compiles only when the sources changed since the last build
 *                                      (npm start's prestart), so a start does not wait for tsc
 *
 * "Changed" is decided by content, not by file times (a checkout or a copy changes times, not
 * content): a SHA-256 of the path and bytes of every file of src/ and of the files that steer the
 * compiler (tsconfig*.json, package.json, package-lock.json). A successful build writes it to
 * dist/.source-hash; a build is current when that file matches and dist/cli/onhand.js exists.
 * Plain Node (no TypeScript, no dependency) so that it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const STAMP = join('dist', '.source-hash');
const ENTRY = join('dist', 'cli', 'onhand.js');

/** Every file below a folder, as sorted paths relative to root. */
function filesBelow(root, folder) {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? filesBelow(root, path) : [path];
    })
    .sort();
}

/** The hash of everything a build reads. */
export function sourceHash(root) {
  const hash = createHash('sha256');
  for (const file of [...filesBelow(root, 'src'), ...INPUTS.filter((f) => existsSync(join(root, f)))]) {
    hash.update(`${file.split(sep).join('/')}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ was built from exactly the present sources. */
export function isCurrent(root, hash = sourceHash(root)) {
  const stamp = join(root, STAMP);
  return existsSync(join(root, ENTRY)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
}

/** Compiles unless `ifStale` and current; returns 'built' or 'current', throws when tsc fails. */
export function build(root, ifStale = false) {
  const hash = sourceHash(root);
  if (ifStale && isCurrent(root, hash)) return 'current';
  if (ifStale) process.stderr.write('Compiling src/ into dist/ (the sources changed since the last build)\n');
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`tsc failed (exit code ${result.status ?? result.signal})`);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, STAMP), `${hash}\n`);
  return 'built';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    build(process.cwd(), process.argv.includes('--if-stale'));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
