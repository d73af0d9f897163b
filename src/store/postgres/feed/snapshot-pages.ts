import type { SnapshotPage } from '../../feed-store.js';
import type { PostgresReader } from '../postgres-reader.js';

/** A page of a full snapshot. */
const SNAPSHOT_PAGE = 2000;

/** Every stock row, then every scheduled value, of the environment in key order, page by page. */
export async function snapshotPages(
  reader: PostgresReader,
  environmentId: string,
  onPage: (page: SnapshotPage) => Promise<void>,
): Promise<void> {
  for (let stock = await reader.exportStock(environmentId, null, SNAPSHOT_PAGE); stock.length > 0; ) {
    await onPage({ stock, schedule: [] });
    const last = stock[stock.length - 1];
    stock =
      last && stock.length === SNAPSHOT_PAGE
        ? await reader.exportStock(environmentId, last, SNAPSHOT_PAGE)
        : [];
  }
  for (let rows = await reader.exportSchedule(environmentId, null, SNAPSHOT_PAGE); rows.length > 0; ) {
    await onPage({ stock: [], schedule: rows });
    const last = rows[rows.length - 1];
    rows =
      last && rows.length === SNAPSHOT_PAGE
        ? await reader.exportSchedule(environmentId, last, SNAPSHOT_PAGE)
        : [];
  }
}
