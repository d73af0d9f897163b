// Regenerates the SDK's types from the server's OpenAPI document: npm run generate:client
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CLIENT_TYPES_DIR,
  committedClientTypeFiles,
  generateClientTypes,
} from '../test/support/client-types.js';
import { MAX_LINES } from '../test/support/client-types-split.js';

const files = await generateClientTypes();
// Files of the previous layout that are no longer generated go (a renamed area, a path removed).
for (const path of committedClientTypeFiles()) if (!files.has(path)) rmSync(join(CLIENT_TYPES_DIR, path));
if (existsSync(CLIENT_TYPES_DIR)) pruneEmpty(CLIENT_TYPES_DIR);
for (const [path, text] of files) {
  mkdirSync(dirname(join(CLIENT_TYPES_DIR, path)), { recursive: true });
  writeFileSync(join(CLIENT_TYPES_DIR, path), text);
}
console.log(`wrote ${files.size} files under ${CLIENT_TYPES_DIR}`);
// A file stays longer only when one comment alone is (an example of over MAX_LINES lines).
for (const [path, text] of files) {
  const lines = text.split('\n').length - 1;
  if (lines > MAX_LINES) console.warn(`${path}: ${lines} lines (more than ${MAX_LINES})`);
}

/** Removes the folders under `dir` that are left empty, at any depth; true when `dir` is then empty. */
function pruneEmpty(dir: string): boolean {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && pruneEmpty(path)) rmSync(path, { recursive: true });
    else empty = false;
  }
  return empty;
}
