import type { Dimensions } from '../dimensions.js';
import type { Qty } from '../quantity.js';
import type { ScheduleDate } from '../schedule/schedule-date.js';

/** Limits and modes of queries, set by the operator (spec §2.7, configurable). */
export interface QueryLimits {
  /** Most product ids in one query (spec: 5,000). */
  readonly maxProducts: number;
  /** Most site × location combinations in one v1 index query (spec: 10,000). */
  readonly maxSiteLocations: number;
  /** Reject group-bys that are not a prefix of an index set instead of computing them anyway. */
  readonly strictIndex: boolean;
  /** What returnNegative=false does: report negative calculated measures as 0, or drop the row. */
  readonly negativeMode: 'clamp' | 'dropRow';
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxProducts: 5000,
  maxSiteLocations: 10_000,
  strictIndex: false,
  negativeMode: 'clamp',
};

/** Explicit tuples of an exact query: each row of `values` matches `keys` positionally. */
export interface ExactTuples {
  /** Base dimensions, plus `organizationid` in v2 exact queries. */
  readonly keys: readonly string[];
  readonly values: readonly (readonly string[])[];
}

/** A validated query, independent of the API version it came from. */
export interface QueryPlan {
  readonly organizationIds: readonly string[];
  /** Empty: every product. */
  readonly productIds: readonly string[];
  /** Empty: every site. */
  readonly siteIds: readonly string[];
  /** Empty: every location. */
  readonly locationIds: readonly string[];
  /** Other base dimension filters: a row matches when its value (or "") is in the set. */
  readonly filters: ReadonlyMap<string, ReadonlySet<string>>;
  readonly tuples?: ExactTuples;
  /** Base dimensions to group by, in request order. */
  readonly groupBy: readonly string[];
  readonly returnNegative: boolean;
  /** Set for ATP queries (QueryATP): rows also carry quantitiesByDate and atpQuantities. */
  readonly atp?: AtpWindow;
}

/**
 * The days of an ATP query (spec §3.6). ATP is calculated over the schedule period starting `today`;
 * `from` … `to` (inside that period) only choose which days are returned.
 */
export interface AtpWindow {
  readonly today: ScheduleDate;
  readonly from: ScheduleDate;
  readonly to: ScheduleDate;
}

/** Quantities by data source and measure. */
export type Quantities = Readonly<Record<string, Readonly<Record<string, Qty>>>>;

/** One row of a query result (spec §2.7.1): quantities per data source and measure. */
export interface OnHandRow {
  readonly organizationId: string;
  readonly productId: string;
  /** Output keys: group-by dimensions in display casing, partition dimensions lower-case. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly quantities: Quantities;
  /** ATP queries: scheduled changes by date (only dates with changes), calculated measures included. */
  readonly quantitiesByDate?: Readonly<Record<ScheduleDate, Quantities>>;
  /** ATP queries: the ATP measures for every returned day. */
  readonly atpQuantities?: Readonly<Record<ScheduleDate, Quantities>>;
}

/** A stored value as the query reads it. */
export interface StockValue {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Dimensions;
  readonly dataSource: string;
  readonly measure: string;
  readonly quantity: Qty;
}

/** A scheduled change as a query reads it: the net delta of one measure on one date. */
export interface ScheduleValue extends StockValue {
  readonly date: ScheduleDate;
}
