import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { type Column, DataTable } from './data-table.js';
import { loadAvailability, loadGraph, type OciGraph, recordRow } from './oci.js';
import { useSession } from './session.js';
import { ErrorBox } from './widgets.js';

/** The OCI quantities of a location record, as table columns. */
export const LOCATION_QUANTITIES: readonly Column[] = [
  { key: 'onHand', label: 'On hand', numeric: true },
  { key: 'reserved', label: 'Reserved', numeric: true },
  { key: 'safetyStockCount', label: 'Safety stock', numeric: true },
  { key: 'atf', label: 'ATF', numeric: true },
  { key: 'ato', label: 'ATO', numeric: true },
];

const GROUP_QUANTITIES: readonly Column[] = [
  ...LOCATION_QUANTITIES,
  { key: 'groupReserved', label: 'Group reserved', numeric: true },
  { key: 'sharedGroupReserved', label: 'Shared group reserved', numeric: true },
];

type Row = Record<string, string>;

/**
 * The product's OCI availability (docs/oci.md), when the environment has a location graph: per location
 * group and per OCI location whose IV place is in the product's organization (the OCI SKU is the IV
 * productId). Reloads when `version` changes (the product page bumps it on a feed entry of the product).
 */
export function OciProductAvailability(props: {
  organizationId: string;
  productId: string;
  version: number;
}) {
  const { organizationId, productId, version } = props;
  const { api, environmentId } = useSession();
  const [graph, setGraph] = useState<OciGraph | null>(null);
  const [tables, setTables] = useState<{ groups: Row[]; locations: Row[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    const run = async () => {
      const g = await loadGraph(api, environmentId);
      const places = g.locations.filter((l) => l.iv.organizationId === organizationId);
      const ids = new Set(places.map((l) => l.id));
      const groups = g.groups.filter((group) => group.locations.some((id) => ids.has(id)));
      if (places.length === 0) return { g, groups: [], locations: [] };
      const availability = await loadAvailability(
        api,
        environmentId,
        productId,
        places.map((l) => l.id),
        groups.map((group) => group.id),
      );
      return {
        g,
        groups: groups.map((group) => ({
          group: group.id,
          members: group.locations.join(', '),
          ...recordRow(availability.groups.get(group.id)),
        })),
        locations: places.map((l) => ({
          location: l.id,
          place: `${l.iv.siteId} / ${l.iv.locationId}`,
          ...recordRow(availability.locations.get(l.id)),
        })),
      };
    };
    run().then(
      ({ g, groups, locations }) => {
        if (!live) return;
        setGraph(g);
        setTables({ groups, locations });
        setError(null);
      },
      (e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e))),
    );
    return () => {
      live = false;
    };
  }, [api, environmentId, organizationId, productId, version]);

  if (error) return <ErrorBox error={error} />;
  if (!graph || graph.version === 0 || !tables || tables.locations.length === 0) return null;
  return (
    <section aria-labelledby="oci-availability-title">
      <h2 id="oci-availability-title">Availability by location group</h2>
      <p class="muted">
        Omnichannel Inventory view of {productId} (the OCI SKU) at the graph's locations in organization{' '}
        {organizationId}, as get-availability answers it.
      </p>
      <DataTable
        caption={`Availability of ${productId} by location group`}
        columns={[
          { key: 'group', label: 'Group' },
          { key: 'members', label: 'Locations' },
          ...GROUP_QUANTITIES,
        ]}
        rows={tables.groups}
      />
      <DataTable
        caption={`Availability of ${productId} by OCI location`}
        columns={[
          { key: 'location', label: 'OCI location' },
          { key: 'place', label: 'IV site / location' },
          ...LOCATION_QUANTITIES,
        ]}
        rows={tables.locations}
        csvName={`oci-${environmentId}-${productId}.csv`}
      />
    </section>
  );
}
