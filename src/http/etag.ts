import type { ConfigurationPrecondition } from '../engine/environments.js';

/** The ETag of a configuration: its version in quotes (`"7"`). */
export function configurationEtag(version: number): string {
  return `"${version}"`;
}

/**
 * Reads an If-Match header (RFC 9110 §13.1.1) as a configuration precondition: `*` → "exists", a list
 * of entity tags → the versions they name (weak tags compare as strong ones: the version is the whole
 * representation). A tag that names no version matches nothing, so the update fails as it should.
 * Undefined when the header is absent.
 */
export function ifMatchPrecondition(
  header: string | string[] | undefined,
): ConfigurationPrecondition | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.trim() === '*') return 'exists';
  const versions: number[] = [];
  for (const raw of text.split(',')) {
    const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(raw);
    if (match) versions.push(Number(match[1]));
  }
  return versions;
}
