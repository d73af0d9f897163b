import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { DataTable } from './data-table.js';
import { loadAvailability, loadGraph, type OciGraph, placeText, recordRow } from './oci.js';
import { LOCATION_QUANTITIES } from './oci-availability.js';
import { useSession } from './session.js';
import { ErrorBox } from './widgets.js';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));

/**
 * The environment's OCI location graph (docs/oci.md): each location with the IV place it stands for,
 * the groups with their members, and the safety stock and availability of a SKU the user types at
 * every location. Read-only: the graph is replaced through the API (PUT …/location-graph), safety
 * stock through OCI batch-update.
 */
export function Locations() {
  const { api, environmentId } = useSession();
  const [graph, setGraph] = useState<OciGraph | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [sku, setSku] = useState('');
  const [shown, setShown] = useState<{ sku: string; rows: Record<string, string>[] } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    loadGraph(api, environmentId).then(
      (g) => live && setGraph(g),
      (e: unknown) => live && setError(asError(e)),
    );
    return () => {
      live = false;
    };
  }, [api, environmentId]);

  const show = async (wanted: string) => {
    if (!graph || wanted === '') return;
    setBusy(true);
    try {
      const availability = await loadAvailability(
        api,
        environmentId,
        wanted,
        graph.locations.map((l) => l.id),
        [],
      );
      setShown({
        sku: wanted,
        rows: graph.locations.map((l) => ({
          location: l.id,
          ...recordRow(availability.locations.get(l.id)),
        })),
      });
      setError(null);
    } catch (e) {
      setError(asError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="locations-title">
      <h1 id="locations-title">Locations</h1>
      <p class="muted">
        The Omnichannel Inventory location graph of this environment, read-only: it is replaced as a whole
        through the API (<code>PUT /inventory/impex/v1/organizations/{environmentId}/location-graph</code>
        ), and safety stock is set through OCI batch-update.
      </p>
      <ErrorBox error={error} />
      {graph && graph.version === 0 && <p>This environment has no location graph yet.</p>}
      {graph && graph.version > 0 && (
        <>
          <p>
            Graph version {graph.version}; locations without an override map to IV organization{' '}
            {graph.ivOrganizationId}, site and location = the OCI location id.
          </p>
          <DataTable
            caption="OCI locations and their IV place"
            columns={[
              { key: 'id', label: 'OCI location' },
              { key: 'place', label: 'IV organization / site / location' },
              { key: 'groups', label: 'Groups' },
            ]}
            rows={graph.locations.map((l) => ({
              id: l.id,
              place: placeText(l.iv),
              groups: graph.groups
                .filter((g) => g.locations.includes(l.id))
                .map((g) => g.id)
                .join(', '),
            }))}
          />
          <DataTable
            caption="Location groups"
            columns={[
              { key: 'id', label: 'Group' },
              { key: 'members', label: 'Locations' },
            ]}
            rows={graph.groups.map((g) => ({ id: g.id, members: g.locations.join(', ') }))}
          />
          <h2 id="safety-title">Safety stock by location</h2>
          <form
            class="filters inline"
            aria-labelledby="safety-title"
            onSubmit={(e) => {
              e.preventDefault();
              void show(sku.trim());
            }}
          >
            <label>
              SKU (IV product id)
              <input required value={sku} onInput={(e) => setSku((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="primary" disabled={busy}>
              Show
            </button>
          </form>
          {shown && (
            <DataTable
              caption={`Safety stock and availability of ${shown.sku} by location`}
              columns={[{ key: 'location', label: 'OCI location' }, ...LOCATION_QUANTITIES]}
              rows={shown.rows}
              csvName={`safety-stock-${environmentId}-${shown.sku}.csv`}
            />
          )}
        </>
      )}
    </section>
  );
}
