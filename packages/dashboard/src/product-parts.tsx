import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError } from './api.js';
import { DataTable } from './data-table.js';
import { timeLeft } from './format.js';
import type { QueryRow } from './product.js';
import { allows, useSession } from './session.js';
import { ErrorBox, useNow } from './widgets.js';

/** An open reservation (GET …/onhand/reservations). */
export interface Reservation {
  readonly reservationId: string;
  readonly partitionId: string;
  readonly dimensions: Record<string, string>;
  readonly dataSource: string;
  readonly measure: string;
  readonly quantity: string | number;
  readonly remaining: string | number;
  readonly expiresAt: string | null;
  readonly createdAt: string;
}

/** The open reservations of a product with the time left before each expires; writers may release one. */
export function ProductReservations(props: { organizationId: string; productId: string; version: number }) {
  const { organizationId, productId, version } = props;
  const { api, environmentId, role, announce } = useSession();
  const [list, setList] = useState<Reservation[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [again, setAgain] = useState(0);
  const now = useNow();
  useEffect(() => {
    const query = new URLSearchParams({ organizationId, productId, limit: '1000' });
    api
      .get<{ reservations: Reservation[] }>(`${Api.env(environmentId)}/onhand/reservations?${query}`)
      .then((r) => {
        setList(r.reservations);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e))));
  }, [api, environmentId, organizationId, productId, version, again]);

  const release = async (r: Reservation) => {
    try {
      await api.post(`${Api.env(environmentId)}/onhand/unreserve`, {
        id: `dashboard-release-${r.reservationId}-${Date.now()}`,
        organizationId,
        productId,
        reservationId: r.reservationId,
        OffsetQty: r.remaining,
      });
      announce(`Reservation ${r.reservationId} released.`);
      setAgain((n) => n + 1);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
    }
  };
  const canWrite = allows(role, 'write');
  const rows = (list ?? []).map((r) => ({
    ...r,
    where: Object.entries(r.dimensions)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
    what: `${r.dataSource}.${r.measure}`,
    left: timeLeft(r.expiresAt, now),
  }));
  return (
    <section aria-labelledby="reservations-title">
      <h2 id="reservations-title">Open reservations</h2>
      <ErrorBox error={error} />
      <DataTable
        caption={`Open reservations of ${productId}`}
        columns={[
          { key: 'reservationId', label: 'Reservation' },
          { key: 'where', label: 'Dimensions' },
          { key: 'what', label: 'Measure' },
          { key: 'quantity', label: 'Reserved', numeric: true },
          { key: 'remaining', label: 'Remaining', numeric: true },
          { key: 'left', label: 'Time left' },
          ...(canWrite ? [{ key: 'action', label: 'Action' }] : []),
        ]}
        rows={rows}
        cell={(c, row) =>
          c.key === 'action' ? (
            <button type="button" onClick={() => void release(row as unknown as Reservation)}>
              Release <span class="sr-only">{String(row.reservationId)}</span>
            </button>
          ) : undefined
        }
      />
    </section>
  );
}

interface AllocationRecord {
  readonly dimensions: Record<string, string>;
  readonly groups: Record<string, string>;
  readonly allocated: string | number;
  readonly consumed: string | number;
  readonly remaining: string | number;
}

/** Allocations of the product per group path, at each site and location it has stock. */
export function Allocations(props: {
  organizationId: string;
  productId: string;
  rows: QueryRow[];
  version: number;
}) {
  const { organizationId, productId, rows, version } = props;
  const { api, environmentId } = useSession();
  const [records, setRecords] = useState<AllocationRecord[]>([]);
  const places = [
    ...new Set(rows.map((r) => `${r.dimensions.siteid ?? ''}\u0000${r.dimensions.locationid ?? ''}`)),
  ];
  const key = places.join('|');
  useEffect(() => {
    let live = true;
    Promise.all(
      places.map((place) => {
        const [siteId = '', locationId = ''] = place.split('\u0000');
        return api
          .post<AllocationRecord[]>(`${Api.env(environmentId)}/allocation/query`, {
            organizationId,
            productId,
            dimensions: { siteId, locationId },
            groups: {},
          })
          .catch(() => [] as AllocationRecord[]);
      }),
    ).then((all) => live && setRecords(all.flat()));
    return () => {
      live = false;
    };
  }, [api, environmentId, organizationId, productId, key, version]);
  const table = records.map((r) => ({
    path: Object.values(r.groups).join(' / '),
    site: r.dimensions.siteid ?? '',
    location: r.dimensions.locationid ?? '',
    allocated: r.allocated,
    consumed: r.consumed,
    remaining: r.remaining,
  }));
  return (
    <section aria-labelledby="allocations-title">
      <h2 id="allocations-title">Allocations per group path</h2>
      <DataTable
        caption={`Allocations of ${productId}`}
        columns={[
          { key: 'path', label: 'Group path' },
          { key: 'site', label: 'Site' },
          { key: 'location', label: 'Location' },
          { key: 'allocated', label: 'Allocated', numeric: true },
          { key: 'consumed', label: 'Consumed', numeric: true },
          { key: 'remaining', label: 'Remaining', numeric: true },
        ]}
        rows={table}
      />
    </section>
  );
}
