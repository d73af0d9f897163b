import { OnhandError } from '../codes.js';

/** The places an export covers, and so the places its delta tokens follow (spec §2.2, §4.4). */
export type ExportPlaces = { readonly locations: readonly string[] } | { readonly groups: readonly string[] };

/**
 * What a delta token names (docs/oci.md, "Export and deltas"): the environment, the feed position the
 * records before it reflect, and the export's places. Tokens are opaque to clients: base64url of a
 * small JSON document, checked on the way back in.
 */
export interface DeltaToken {
  readonly environmentId: string;
  readonly position: number;
  readonly places: ExportPlaces;
  /**
   * What the places meant when the export was taken (engine/oci/delta-fingerprint.ts): the IV place of
   * each location and the members of each group, and the OCI measures. Tokens made before it was added
   * have none (nothing is checked then).
   */
  readonly fingerprint?: string;
}

const VERSION = 1;

export function encodeDeltaToken(token: DeltaToken): string {
  const places = 'locations' in token.places ? { l: token.places.locations } : { g: token.places.groups };
  const fingerprint = token.fingerprint === undefined ? {} : { f: token.fingerprint };
  const json = JSON.stringify({
    v: VERSION,
    e: token.environmentId,
    p: token.position,
    ...places,
    ...fingerprint,
  });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The token's content; oci_delta_token_invalid when it is not a token of `environmentId`. */
export function decodeDeltaToken(text: unknown, environmentId: string): DeltaToken {
  const invalid = () =>
    new OnhandError('oci_delta_token_invalid', 'The delta token is not one this organization was given.', [
      {
        code: 'oci_delta_token_invalid',
        path: 'deltaToken',
        message: 'Not a delta token of this organization.',
      },
    ]);
  if (
    typeof text !== 'string' ||
    text.length === 0 ||
    text.length > 300_000 ||
    !/^[A-Za-z0-9_-]+$/.test(text)
  )
    throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null) throw invalid();
  const v = value as Record<string, unknown>;
  const strings = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((s) => typeof s === 'string');
  if (v.v !== VERSION || v.e !== environmentId) throw invalid();
  if (typeof v.p !== 'number' || !Number.isSafeInteger(v.p) || v.p < 0) throw invalid();
  if (v.f !== undefined && (typeof v.f !== 'string' || v.f.length > 100)) throw invalid();
  const fingerprint = typeof v.f === 'string' ? { fingerprint: v.f } : {};
  if (strings(v.l) && v.g === undefined)
    return { environmentId, position: v.p, places: { locations: v.l }, ...fingerprint };
  if (strings(v.g) && v.l === undefined)
    return { environmentId, position: v.p, places: { groups: v.g }, ...fingerprint };
  throw invalid();
}
