import { useCallback, useEffect, useState } from 'preact/hooks';
import { Api, ApiError } from './api.js';
import { AtpChart } from './atp-chart.js';
import { flattenRow, measuresOf } from './configuration-model.js';
import { type Column, DataTable } from './data-table.js';
import { touches } from './feed.js';
import { History } from './history.js';
import { OciProductAvailability } from './oci-availability.js';
import { Allocations, ProductReservations } from './product-parts.js';
import { useSession } from './session.js';
import { ErrorBox, useConfiguration } from './widgets.js';

export type QueryRow = Parameters<typeof flattenRow>[0];

/**
 * One product: availability per site and location (as of a past position when the history slider is
 * moved), its open reservations, allocations, the ATP chart and its history. Everything reloads in
 * place when the live feed brings a change of this product.
 */
export function Product({ organizationId, productId }: { organizationId: string; productId: string }) {
  const { api, environmentId, feed } = useSession();
  const config = useConfiguration();
  const [rows, setRows] = useState<QueryRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [asOf, setAsOf] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      const answer = await api.post<QueryRow[]>(`${Api.env(environmentId)}/onhand/indexquery`, {
        filters: { organizationId: [organizationId], productId: [productId] },
        groupByValues: [],
        returnNegative: true,
        ...(asOf ? { asOf } : {}),
      });
      setRows(answer);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
    }
  }, [api, environmentId, organizationId, productId, asOf]);

  useEffect(() => {
    void load();
  }, [load, version]);
  useEffect(
    () =>
      feed.subscribe((entry) => {
        if (touches(entry, organizationId, productId)) setVersion((v) => v + 1);
      }),
    [feed, organizationId, productId],
  );

  const measures = config ? measuresOf(config) : { physical: [], calculated: [] };
  const flat = (rows ?? []).map(flattenRow);
  const present = new Set(flat.flatMap((r) => Object.keys(r)));
  const columns: Column[] = [
    { key: 'dim:siteid', label: 'Site' },
    { key: 'dim:locationid', label: 'Location' },
    ...[...measures.calculated, ...measures.physical]
      .filter((m) => present.has(m))
      .map((m) => ({ key: m, label: m, numeric: true })),
  ];
  return (
    <section aria-labelledby="product-title">
      <h1 id="product-title">
        <span class="muted">{organizationId} /</span> {productId}
      </h1>
      <ErrorBox error={error} />
      <h2>Availability per site and location{asOf ? ` as of position ${asOf}` : ''}</h2>
      {rows && (
        <DataTable
          caption={`Availability of ${productId}`}
          columns={columns}
          rows={flat}
          csvName={`onhand-${environmentId}-${productId}.csv`}
        />
      )}
      <OciProductAvailability organizationId={organizationId} productId={productId} version={version} />
      <ProductReservations organizationId={organizationId} productId={productId} version={version} />
      <Allocations
        organizationId={organizationId}
        productId={productId}
        rows={rows ?? []}
        version={version}
      />
      {config && (
        <AtpChart organizationId={organizationId} productId={productId} config={config} version={version} />
      )}
      <History
        organizationId={organizationId}
        productId={productId}
        asOf={asOf}
        onAsOf={setAsOf}
        version={version}
      />
    </section>
  );
}
