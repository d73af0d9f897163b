import { LOCATION } from '../dimensions.js';
import type { OnHandRow } from './query-plan.js';

/** One page of an Api-Version 2.0 index query. */
export interface Page {
  readonly rows: OnHandRow[];
  /** True when warehouses remain after this page. */
  readonly hasMore: boolean;
}

/**
 * Pages rows by warehouse (spec §2.7.2): warehouses (locationid values, "" for rows without one) are
 * sorted; page n holds the rows of warehouses (n − 1) × size … n × size − 1.
 */
export function pageByWarehouse(rows: readonly OnHandRow[], pageNumber: number, pageSize: number): Page {
  const warehouse = (row: OnHandRow) => row.dimensions[LOCATION] ?? '';
  const warehouses = [...new Set(rows.map(warehouse))].sort();
  const start = (pageNumber - 1) * pageSize;
  const selected = new Set(warehouses.slice(start, start + pageSize));
  return {
    rows: rows
      .filter((row) => selected.has(warehouse(row)))
      .sort((a, b) => (warehouse(a) < warehouse(b) ? -1 : warehouse(a) > warehouse(b) ? 1 : 0)),
    hasMore: start + pageSize < warehouses.length,
  };
}
