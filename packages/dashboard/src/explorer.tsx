import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError } from './api.js';
import { dimensionsOf, flattenRow, measuresOf, type RuntimeConfiguration } from './configuration-model.js';
import { type Column, DataTable } from './data-table.js';
import { touches } from './feed.js';
import { navigate } from './router.js';
import { useSession } from './session.js';
import { ErrorBox, useConfiguration } from './widgets.js';

interface Filters {
  organizationId: string;
  productId: string;
  siteId: string;
  locationId: string;
  dimension: string;
  dimensionValue: string;
}

/** Warehouses (locations) per page of the paged index query. */
const PAGE = 50;

const EMPTY: Filters = {
  organizationId: 'usmf',
  productId: '',
  siteId: '',
  locationId: '',
  dimension: '',
  dimensionValue: '',
};
const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * The stock explorer: an index query with filters, group-by and the measures of the configuration,
 * shown in a sortable, paged table with CSV export; re-run when the live feed touches what it shows.
 */
export function Explorer() {
  const { api, environmentId, feed, announce } = useSession();
  const config = useConfiguration();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [groupBy, setGroupBy] = useState<string[]>([]);
  const [shown, setShown] = useState<string[] | null>(null);
  const [rows, setRows] = useState<Record<string, unknown>[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [asked, setAsked] = useState<Filters | null>(null);

  const [pages, setPages] = useState(1);
  const [more, setMore] = useState(false);

  /**
   * Runs the query through the paged index query (Api-Version 2.0): `first` … `first + count - 1`
   * pages of PAGE warehouses each, appended to what is shown when `append`.
   */
  const run = useCallback(
    async (f: Filters, quiet = false, first = 1, count = 1, append = false) => {
      const query: Record<string, string[]> = { organizationId: [f.organizationId.trim()] };
      if (f.productId) query.productId = list(f.productId);
      if (f.siteId) query.siteId = list(f.siteId);
      if (f.locationId) query.locationId = list(f.locationId);
      if (f.dimension && f.dimensionValue) query[f.dimension] = list(f.dimensionValue);
      try {
        const size = PAGE * count;
        const page = Math.floor((first - 1) / count) + 1;
        const answer = await api.post<{ Value: Parameters<typeof flattenRow>[0][]; nextLink: string }>(
          `${Api.env(environmentId)}/onhand/indexquery?pageNumber=${page}&pageSize=${size}`,
          { filters: query, groupByValues: groupBy, returnNegative: true },
          { 'Api-Version': '2.0' },
        );
        const found = answer.Value.map(flattenRow);
        setRows((old) => (append && old ? [...old, ...found] : found));
        setMore(answer.nextLink !== '');
        setError(null);
        setAsked(f);
        if (!append) setPages(count);
        if (!quiet) announce(`${found.length} rows ${append ? 'more ' : ''}found.`);
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
      }
    },
    [api, environmentId, groupBy, announce],
  );

  useEffect(() => {
    if (!asked) return;
    return feed.subscribe((entry) => {
      if (touches(entry, asked.organizationId)) void run(asked, true, 1, pages);
    });
  }, [feed, asked, run, pages]);

  const measures = useMemo(() => (config ? measuresOf(config) : { physical: [], calculated: [] }), [config]);
  const dims = useMemo(() => (config ? dimensionsOf(config) : []), [config]);
  const present = useMemo(() => {
    const keys = new Set<string>();
    for (const row of rows ?? []) for (const k of Object.keys(row)) keys.add(k);
    return keys;
  }, [rows]);
  const all = [...measures.calculated, ...measures.physical];
  const selected = shown ?? measures.calculated;
  const columns: Column[] = [
    { key: 'productId', label: 'Product' },
    ...[...present].filter((k) => k.startsWith('dim:')).map((k) => ({ key: k, label: k.slice(4) })),
    ...selected.filter((m) => present.has(m)).map((m) => ({ key: m, label: m, numeric: true })),
  ];
  const field = (name: keyof Filters, label: string, hint?: string) => (
    <label>
      {label}
      <input
        name={name}
        value={filters[name]}
        onInput={(e) => setFilters({ ...filters, [name]: (e.target as HTMLInputElement).value })}
        {...(hint ? { placeholder: hint } : {})}
      />
    </label>
  );
  return (
    <section aria-labelledby="explorer-title">
      <h1 id="explorer-title">Stock explorer</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void run(filters);
        }}
      >
        <fieldset>
          <legend>Filters</legend>
          {field('organizationId', 'Organization')}
          {field('productId', 'Products', 'comma separated')}
          {field('siteId', 'Sites', 'comma separated')}
          {field('locationId', 'Locations', 'comma separated')}
          <label>
            Dimension
            <select
              value={filters.dimension}
              onChange={(e) => setFilters({ ...filters, dimension: (e.target as HTMLSelectElement).value })}
            >
              <option value="">(none)</option>
              {dims
                .filter((d) => d !== 'siteid' && d !== 'locationid')
                .map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
            </select>
          </label>
          {field('dimensionValue', 'Dimension values', 'comma separated')}
        </fieldset>
        <fieldset>
          <legend>Group by</legend>
          {dims
            .filter((d) => d !== 'siteid' && d !== 'locationid')
            .map((d) => (
              <label key={d} class="check">
                <input
                  type="checkbox"
                  checked={groupBy.includes(d)}
                  onChange={(e) =>
                    setGroupBy(
                      (e.target as HTMLInputElement).checked
                        ? [...groupBy, d]
                        : groupBy.filter((g) => g !== d),
                    )
                  }
                />
                {d}
              </label>
            ))}
        </fieldset>
        <fieldset class="measures">
          <legend>Measures</legend>
          {all.map((m) => (
            <label key={m} class="check">
              <input
                type="checkbox"
                checked={selected.includes(m)}
                onChange={(e) =>
                  setShown(
                    (e.target as HTMLInputElement).checked
                      ? [...selected, m]
                      : selected.filter((s) => s !== m),
                  )
                }
              />
              {m}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary">
          Query
        </button>
      </form>
      <ErrorBox error={error} />
      {rows && (
        <DataTable
          caption="Stock"
          columns={columns}
          rows={rows}
          csvName={`onhand-${environmentId}-stock.csv`}
          more={
            more && asked ? (
              <button
                type="button"
                onClick={() => {
                  setPages(pages + 1);
                  void run(asked, false, pages + 1, 1, true);
                }}
              >
                Load {PAGE} more locations
              </button>
            ) : undefined
          }
          cell={(c, row) =>
            c.key === 'productId' && asked ? (
              <a
                href={`#/${encodeURIComponent(environmentId)}/product/${encodeURIComponent(asked.organizationId)}/${encodeURIComponent(String(row.productId))}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(environmentId, 'product', asked.organizationId, String(row.productId));
                }}
              >
                {String(row.productId)}
              </a>
            ) : undefined
          }
        />
      )}
    </section>
  );
}

export type { RuntimeConfiguration };
