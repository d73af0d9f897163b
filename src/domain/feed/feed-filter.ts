import type { MeasureRef } from '../config/compiled-configuration.js';
import { dimensionValue, LOCATION, SITE } from '../dimensions.js';
import type { Qty } from '../quantity.js';
import type { LevelQuantities } from './scope-state.js';

/** What a follower asks to receive (docs/feed.md, filters). Empty lists mean "any". */
export interface FeedFilter {
  readonly productIds: readonly string[];
  readonly siteIds: readonly string[];
  readonly locationIds: readonly string[];
  readonly kinds: readonly string[];
  /** Only entries where a published measure crosses a value at some level. */
  readonly threshold?: Threshold;
}

/**
 * `below`: the value was at or above it before the change and is below it after ("below 5");
 * `above`: it was at or below it and is above it after ("back in stock" is above 0).
 */
export interface Threshold extends MeasureRef {
  readonly direction: 'below' | 'above';
  readonly value: Qty;
}

export const NO_FILTER: FeedFilter = { productIds: [], siteIds: [], locationIds: [], kinds: [] };

/** What the filter looks at in an entry. */
export interface FilterableEntry {
  readonly kind: string;
  readonly changes: readonly { productId: string; dimensions: Readonly<Record<string, string>> }[];
  readonly availability: readonly { quantities: LevelQuantities; previous: LevelQuantities }[];
}

/** Kinds of entry about the whole environment besides `configuration.*`: an OCI location graph replacement. */
const CONTROL_KINDS: ReadonlySet<string> = new Set(['oci.graph']);

/**
 * Whether an entry passes the filter. Entries about the whole environment (`configuration.*`,
 * `oci.graph`) carry no changes and pass every product, site and location filter: a follower must see
 * them to take a new snapshot. The kind filter and the threshold apply to every entry.
 */
export function passes(filter: FeedFilter, entry: FilterableEntry): boolean {
  return (
    mayPass(filter, entry) &&
    (filter.threshold === undefined || crosses(filter.threshold, entry.availability))
  );
}

/**
 * Whether an entry passes the filter's kinds, products, sites and locations: all but the threshold, so
 * it can be told before the entry's availability is computed (an entry that fails it fails `passes`).
 */
export function mayPass(filter: FeedFilter, entry: Omit<FilterableEntry, 'availability'>): boolean {
  if (filter.kinds.length > 0 && !filter.kinds.includes(entry.kind)) return false;
  const control = entry.kind.startsWith('configuration.') || CONTROL_KINDS.has(entry.kind);
  const scoped = filter.productIds.length > 0 || filter.siteIds.length > 0 || filter.locationIds.length > 0;
  return !scoped || control || entry.changes.some((c) => changeMatches(filter, c));
}

/** True when the filter lets every entry through but for its threshold (no kind, product, site or location). */
export function passesAllScopes(filter: FeedFilter): boolean {
  return (
    filter.kinds.length === 0 &&
    filter.productIds.length === 0 &&
    filter.siteIds.length === 0 &&
    filter.locationIds.length === 0
  );
}

function changeMatches(filter: FeedFilter, change: FilterableEntry['changes'][number]): boolean {
  const within = (list: readonly string[], value: string) => list.length === 0 || list.includes(value);
  return (
    within(filter.productIds, change.productId) &&
    within(filter.siteIds, dimensionValue(change.dimensions, SITE)) &&
    within(filter.locationIds, dimensionValue(change.dimensions, LOCATION))
  );
}

function crosses(t: Threshold, records: FilterableEntry['availability']): boolean {
  return records.some(({ quantities, previous }) => {
    const after = quantities[t.dataSource]?.[t.measure];
    const before = previous[t.dataSource]?.[t.measure];
    if (after === undefined || before === undefined) return false;
    return t.direction === 'below'
      ? before >= t.value && after < t.value
      : before <= t.value && after > t.value;
  });
}
