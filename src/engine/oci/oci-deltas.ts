import { OnhandError } from '../../domain/codes.js';
import { LOCATION, SITE } from '../../domain/dimensions.js';
import { decodeDeltaToken, encodeDeltaToken } from '../../domain/oci/delta-token.js';
import { ivPlaceOf } from '../../domain/oci/location-graph.js';
import { ociMeasures } from '../../domain/oci/oci-measures.js';
import { type DeltaRecord, deltaOf } from '../../domain/oci/record-json.js';
import type { FeedRecord } from '../../store/feed-store.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { Feed } from '../feed/feed.js';
import { placesFingerprint } from './delta-fingerprint.js';
import type { OciAvailability } from './oci-availability.js';
import { SAFETY_STOCK_KIND, SEGMENTATION_KIND } from './oci-entries.js';
import type { OciGraphs } from './oci-graphs.js';

/** Most records one get-deltas answer carries. */
export const MAX_DELTA_RECORDS = 1000;
/** Most feed entries one get-deltas call reads. */
export const MAX_DELTA_ENTRIES = 1000;
/** How long get-deltas waits for positions of writes acknowledged before it (as the feed's reads). */
const SETTLE_MS = 5000;

/** The get-deltas answer (spec §2.2). */
export interface DeltasAnswer {
  readonly nextDeltaToken: string;
  readonly shouldQueryAgain: boolean;
  readonly records: DeltaRecord[];
}

const placeKey = (org: string, site: string | undefined, location: string | undefined) =>
  JSON.stringify([org, site ?? '', location ?? '']);

/**
 * get-deltas (spec §2.2, docs/oci.md "Export and deltas"): follows the change feed from the token's
 * position and answers the current record of every SKU × place of the export's places that an entry
 * after it touched (IV stock and schedule changes at the place's IV site and location, OCI safety
 * stock, product segmentation of a group), with the token of the last entry read. Each record is the
 * place's whole current record (`deltaType` `Change`), so a record sent twice, or computed after later
 * writes than the token's position, only brings a copy closer to the present.
 */
export class OciDeltas {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly availability: OciAvailability,
    private readonly feed: Feed,
  ) {}

  async get(environmentId: string, deltaToken: unknown): Promise<DeltasAnswer> {
    const config = await this.environments.get(environmentId);
    const token = decodeDeltaToken(deltaToken, environmentId);
    try {
      await this.feed.checkCursor(environmentId, token.position);
    } catch (error) {
      if (error instanceof OnhandError && error.code === 'cursor_expired')
        throw new OnhandError('oci_delta_token_expired', 'The delta token provided has expired.');
      throw error;
    }
    await this.store.feed.settleAll(SETTLE_MS);
    const { graph } = await this.graphs.get(environmentId);
    // A replaced graph or configuration that changed what the token's places hold (a location that
    // joined or left a group, an IV place or measure mapped elsewhere) leaves the copy wrong for SKUs no
    // entry touches: the copy must be exported again, as after an expired token.
    if (
      token.fingerprint !== undefined &&
      token.fingerprint !== placesFingerprint(graph, ociMeasures(config), token.places)
    )
      throw new OnhandError('oci_delta_token_expired', 'The delta token provided has expired.');
    const locationByPlace = new Map(
      graph.locations.map((l) => {
        const iv = ivPlaceOf(graph, l);
        return [placeKey(iv.organizationId, iv.siteId, iv.locationId), l.id];
      }),
    );
    const byLocation = 'locations' in token.places;
    const wanted = new Set('locations' in token.places ? token.places.locations : token.places.groups);
    // Groups of the token that each location belongs to.
    const groupsOf = new Map<string, string[]>();
    for (const g of graph.groups)
      if (!byLocation && wanted.has(g.id))
        for (const l of g.locations) groupsOf.set(l, [...(groupsOf.get(l) ?? []), g.id]);

    const touched = new Map<string, Set<string>>();
    let count = 0;
    const touch = (placeId: string, sku: string) => {
      const skus = touched.get(placeId) ?? new Set<string>();
      if (!skus.has(sku)) count++;
      skus.add(sku);
      touched.set(placeId, skus);
    };
    const touchLocation = (locationId: string | undefined, sku: string) => {
      if (locationId === undefined) return;
      if (byLocation) {
        if (wanted.has(locationId)) touch(locationId, sku);
      } else for (const g of groupsOf.get(locationId) ?? []) touch(g, sku);
    };

    const entries = await this.store.feed.read(environmentId, token.position, MAX_DELTA_ENTRIES);
    let next = token.position;
    let full = false;
    for (const entry of entries) {
      for (const c of entry.changes)
        touchLocation(
          locationByPlace.get(placeKey(c.organizationId, c.dimensions[SITE], c.dimensions[LOCATION])),
          c.productId,
        );
      for (const t of ociTouches(entry)) {
        if ('groupId' in t) {
          if (!byLocation && wanted.has(t.groupId)) touch(t.groupId, t.sku);
        } else touchLocation(t.locationId, t.sku);
      }
      next = entry.position;
      if (count >= MAX_DELTA_RECORDS) {
        full = true;
        break;
      }
    }

    const records: DeltaRecord[] = [];
    const known = new Set([...graph.locations.map((l) => l.id), ...graph.groups.map((g) => g.id)]);
    for (const [placeId, skus] of touched) {
      // A place removed from the graph since has no record to send.
      if (!known.has(placeId)) continue;
      const answer = await this.availability.compute(environmentId, {
        kind: 'lists',
        skus: [...skus],
        locations: byLocation ? [placeId] : [],
        groups: byLocation ? [] : [placeId],
      });
      const place = byLocation ? answer.locations[0] : answer.groups?.[0];
      for (const record of place?.records ?? []) records.push(deltaOf(placeId, record));
    }
    return {
      nextDeltaToken: encodeDeltaToken({ ...token, position: next }),
      shouldQueryAgain: full || entries.length === MAX_DELTA_ENTRIES,
      records,
    };
  }
}

/** The (location, SKU) and (group, SKU) pairs an OCI ledger entry changed, from its request. */
function ociTouches(
  entry: FeedRecord,
): ({ locationId: string; sku: string } | { groupId: string; sku: string })[] {
  const request = entry.request as {
    rows?: { locationId: string; sku: string }[];
    changes?: { groupId: string; sku: string }[];
  } | null;
  if (entry.kind === SAFETY_STOCK_KIND)
    return (request?.rows ?? []).map((r) => ({ locationId: r.locationId, sku: r.sku }));
  if (entry.kind === SEGMENTATION_KIND)
    return (request?.changes ?? []).map((c) => ({ groupId: c.groupId, sku: c.sku }));
  return [];
}
