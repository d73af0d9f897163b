import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles `onhand` (src/cli/onhand.ts, dependencies left to node_modules) into one ES module, once per
 * run, so that a server killed every few seconds starts again in about a second instead of compiling
 * its TypeScript through tsx each time. The bundle sits one folder below the repository's root, as
 * src/ does, so the paths the sources resolve from their own location stay right.
 */
export async function bundleServer(): Promise<string> {
  const outfile = `${ROOT}.soak-build/onhand.mjs`;
  await build({
    entryPoints: [`${ROOT}src/cli/onhand.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}
