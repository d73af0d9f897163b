// Builds the dashboard into dist/ (app.js, app.css, index.html) with esbuild. Skips the work when dist/
// is newer than every source, so `npm start` (prestart) pays for it only after a change.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const stamp = join(dist, '.built');
const force = process.argv.includes('--force');

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  // The folder's own time counts too: it changes when a file is removed or renamed.
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ['src', 'index.html', 'build.mjs', 'package.json'].map((p) => join(here, p));
const changed = Math.max(...sources.map(newest));
let built = 0;
try {
  built = statSync(stamp).mtimeMs;
} catch {
  // never built
}
if (!force && built > changed) process.exit(0);

mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.tsx')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: join(dist, 'app.js'),
  legalComments: 'none',
  logLevel: 'warning',
});
const uplotCss = readFileSync(
  join(dirname(fileURLToPath(import.meta.resolve('uplot'))), 'uPlot.min.css'),
  'utf8',
);
const own = ['base.css', 'screens.css'].map((name) => readFileSync(join(here, 'src', name), 'utf8'));
writeFileSync(join(dist, 'app.css'), [uplotCss, ...own].join('\n'));
writeFileSync(join(dist, 'index.html'), readFileSync(join(here, 'index.html'), 'utf8'));
writeFileSync(stamp, new Date().toISOString());
console.log('dashboard built into packages/dashboard/dist');
