import { createHash } from 'node:crypto';

/**
 * SHA-256 of a normalised request, used to tell a retry (same id, same body) from a conflicting reuse
 * of an event id. Object keys are sorted and bigints written as decimal strings, so two requests that
 * differ only in key order, key case or number spelling ("10" vs 10) hash alike once normalised.
 */
export function bodyHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

/** JSON with sorted object keys and bigints as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}
