import { readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/**
 * Finds, in the text of a file of the repository, every path that leads outside the repository: a
 * bare clone has nothing beside it, so a test or a tool that reads such a path fails there.
 *
 * Flagged: the sibling `shared` folder of the development workspace, absolute paths of a developer's
 * machine (/work, /home, /Users, /root, C:\), and relative paths (string literals, `join`/`resolve`
 * chains of literals, Markdown links) that, resolved from the file's own folder, land outside `root`.
 * Paths resolved from elsewhere (the data directory, a temporary directory) are not literals and are
 * not checked; what matters is what a source names.
 */
export interface OutsidePath {
  file: string;
  line: number;
  text: string;
  why: string;
}

// Written in two pieces so that this file does not flag itself.
const SHARED = new RegExp(`\\.\\./${'shared'}\\b|\\b${'shared'}/(iv-examples|spec|seeds|tools)\\b`);
const ABSOLUTE = /(^|[\s'"`(=:])(\/work\/|\/home\/|\/Users\/|\/root\/|[A-Z]:\\\\)/;
const LITERAL = /(['"`])(\.\.?(?:\/[^'"`$\s]*)?)(?:\1|\$\{)/g;
const CALL = /\b(?:join|resolve)\(((?:[^()]|\([^()]*\))*)\)/g;
const LINK = /\]\((\.\.?\/[^)\s#]*)/g;

/** The outside paths named in one file's text; `file` is its absolute path, `root` the repository's. */
export function outsidePathsIn(file: string, text: string, root: string): OutsidePath[] {
  const found: OutsidePath[] = [];
  const dir = dirname(file);
  const escapes = (path: string, from = dir) => {
    const rel = relative(root, resolve(from, path));
    return rel === '..' || rel.startsWith('../') || isAbsolute(rel);
  };
  const lines = text.split('\n');
  lines.forEach((content, index) => {
    const at = (text: string, why: string) => found.push({ file, line: index + 1, text, why });
    const shared = SHARED.exec(content);
    if (shared) at(shared[0], 'names the shared folder beside the repository');
    const absolute = ABSOLUTE.exec(content);
    if (absolute) at(absolute[2] ?? '', 'names an absolute path of a machine');
    const literals = file.endsWith('.md') ? [...content.matchAll(LINK)] : [...content.matchAll(LITERAL)];
    for (const match of literals) {
      const path = (file.endsWith('.md') ? match[1] : match[2]) ?? '';
      if (escapes(path)) at(path, 'a relative path that leads outside the repository');
    }
    for (const call of content.matchAll(CALL)) {
      // A base the scan cannot evaluate (ROOT, process.cwd()) is taken as the repository's root, the
      // most a source may climb to; the file's own folder (import.meta.dirname) as itself.
      const args = (call[1] ?? '').split(',').map((a) => a.trim());
      const base = args[0] ?? '';
      const fromFile = /^['"`]|dirname/.test(base);
      const parts = args.flatMap((a) => /^(['"`])([^'"`$]*)\1$/.exec(a)?.[2] ?? []);
      if (!parts.some((p) => p.split('/').includes('..'))) continue;
      if (escapes(join(...parts), fromFile ? dir : root))
        at(call[0], 'a join/resolve of literals that leads outside the repository');
    }
  });
  return found;
}

/** Every file below `folder`, recursively, skipping node_modules and generated results. */
export function filesBelow(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'results' ? [] : filesBelow(path);
    return /\.(ts|js|mjs|cjs|json|md|sh|txt)$/.test(entry.name) ? [path] : [];
  });
}

/** The outside paths named by the files of `folders` (relative to `root`). */
export function outsidePathsBelow(root: string, folders: string[]): OutsidePath[] {
  return folders.flatMap((folder) =>
    filesBelow(join(root, folder)).flatMap((file) => outsidePathsIn(file, readFileSync(file, 'utf8'), root)),
  );
}
