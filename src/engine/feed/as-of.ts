import { dimensionsKey, dimensionValue, LOCATION, SITE } from '../../domain/dimensions.js';
import type { Qty } from '../../domain/quantity.js';
import type { SpanDelta } from '../../store/feed-store.js';
import type { ScheduleRow, StockRow, StockSelector, Store } from '../../store/store.js';
import { CHECKPOINTS } from './checkpointer.js';

/** Entries read per page while taking changes back. */
const PAGE = 1000;

/** Stock rows and scheduled changes of a selection, as they were at one position. */
export interface PastState {
  readonly stock: StockRow[];
  readonly schedule: ScheduleRow[];
}

/** A change taken back: its value, and whether it brought the value into being. */
type Change = Omit<SpanDelta, 'span'>;

interface Value {
  row: StockRow | ScheduleRow;
  quantity: Qty;
  /** Whether the earliest change after the position created the value (it did not exist then). */
  bornLater?: boolean;
}

/**
 * The stock rows and scheduled changes that `selector` picks, as they were at feed `position`
 * (docs/feed.md, "As of a past moment"): a consistent snapshot of the current rows (at head H), minus
 * the changes made after `position`. Whole checkpoint spans inside (position, H] are taken back from
 * their recorded net changes (feed_spans, written by the Checkpointer); only the entries of the partial
 * spans at both ends are read one by one. Cost: one snapshot read + the span rows of the selection + at
 * most about two spans of entries (2 × `spanSize` positions) + what the checkpointer has not reached yet.
 * A stored value that the earliest change after `position` brought into being did not exist then.
 */
export async function stateAt(
  store: Store,
  environmentId: string,
  selector: StockSelector,
  position: number,
  spanSize: number,
): Promise<PastState> {
  const values = new Map<string, Value>();
  const head = await store.feed.snapshot(environmentId, selector, async ({ stock, schedule }) => {
    for (const row of [...stock, ...schedule])
      values.set(keyOf(row, 'date' in row ? row.date : null), { row, quantity: row.quantity });
  });
  // Changes are taken back in the order they were made, so the first one seen per value is the earliest.
  const takeBack = (change: Change) => {
    if (!picks(selector, change)) return;
    const id = keyOf(change, change.date);
    let value = values.get(id);
    if (!value) {
      value = { row: rowOf(change), quantity: 0n };
      values.set(id, value);
    }
    value.quantity -= change.delta;
    value.bornLater ??= change.created;
  };
  const scan = async (after: number, upTo: number) => {
    for (let cursor = after; cursor < upTo; ) {
      const page = await store.feed.read(environmentId, cursor, PAGE);
      for (const record of page) {
        if (record.position > upTo) return;
        for (const c of record.changes)
          takeBack({
            ...c,
            partitionId: record.partitionId,
            date: c.date ?? null,
            created: c.created === true,
          });
      }
      const last = page[page.length - 1];
      if (!last || page.length < PAGE) return;
      cursor = last.position;
    }
  };
  if (position < head) {
    const done = (await store.feed.followerPosition(environmentId, CHECKPOINTS)) ?? -1;
    const from = Math.ceil(position / spanSize);
    const to = Math.min(done, Math.floor(head / spanSize) - 1);
    if (from <= to) {
      await scan(position, from * spanSize);
      for (const delta of await store.feed.readSpans(environmentId, selector, from, to)) takeBack(delta);
      await scan((to + 1) * spanSize, head);
    } else {
      await scan(position, head);
    }
  }
  const stock: StockRow[] = [];
  const schedule: ScheduleRow[] = [];
  for (const { row, quantity, bornLater } of values.values()) {
    if (bornLater) continue;
    if ('date' in row) {
      if (quantity !== 0n) schedule.push({ ...row, quantity });
    } else stock.push({ ...row, quantity });
  }
  return { stock, schedule };
}

type Keyed = Pick<
  SpanDelta,
  'partitionId' | 'organizationId' | 'productId' | 'dimensions' | 'dataSource' | 'measure'
>;

function keyOf(k: Keyed, date: string | null): string {
  return [
    k.partitionId,
    k.organizationId,
    k.productId,
    dimensionsKey(k.dimensions),
    k.dataSource,
    k.measure,
    date ?? '',
  ].join('\u0000');
}

function rowOf(c: Change): StockRow | ScheduleRow {
  const { partitionId, organizationId, productId, dimensions, dataSource, measure } = c;
  const key = { organizationId, productId, dimensions, dataSource, measure, partitionId };
  return c.date === null ? { ...key, quantity: 0n, countedAt: null } : { ...key, date: c.date, quantity: 0n };
}

function picks(selector: StockSelector, c: Keyed): boolean {
  const within = (list: readonly string[] | undefined, value: string) =>
    list === undefined || list.length === 0 || list.includes(value);
  return (
    selector.organizationIds.includes(c.organizationId) &&
    within(selector.productIds, c.productId) &&
    within(selector.siteIds, dimensionValue(c.dimensions, SITE)) &&
    within(selector.locationIds, dimensionValue(c.dimensions, LOCATION))
  );
}
