import { createHash } from 'node:crypto';
import type { ExportPlaces } from '../../domain/oci/delta-token.js';
import { ivPlaceOf, type LocationGraph } from '../../domain/oci/location-graph.js';
import type { OciMeasures } from '../../domain/oci/oci-measures.js';

/**
 * What an export's places mean (docs/oci.md, "When the graph or the configuration changes"): the OCI
 * measures, each location's IV place, and each group's members with their IV places; a place missing
 * from the graph counts as such. A copy built from an export stays right only while this stays the
 * same: get-deltas compares it with the token's and answers 410 ExpiredDeltaLink when it changed.
 */
export function placesFingerprint(graph: LocationGraph, measures: OciMeasures, places: ExportPlaces): string {
  const byId = new Map(graph.locations.map((l) => [l.id, l]));
  const placeOf = (id: string) => {
    const location = byId.get(id);
    if (!location) return null;
    const iv = ivPlaceOf(graph, location);
    return [id, iv.organizationId, iv.siteId, iv.locationId];
  };
  const meaning =
    'locations' in places
      ? places.locations.map(placeOf)
      : places.groups.map((id) => {
          const group = graph.groups.find((g) => g.id === id);
          return group ? [id, [...group.locations].sort().map(placeOf)] : null;
        });
  const text = JSON.stringify([
    [measures.onHand.dataSource, measures.onHand.measure],
    [measures.reserved.dataSource, measures.reserved.measure],
    meaning,
  ]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
