/**
 * One row of the compatibility table: a behaviour the spec marks [EX] (seen in Microsoft's own example
 * and test code), replayed over HTTP against a fresh environment. Rows live in one file per spec
 * section (test/compat/examples/section-*.ts); test/compat/iv-examples.test.ts runs them all.
 */
export interface ExampleRow {
  /** Where the spec records the behaviour: section and the line of its [EX] mark. */
  readonly spec: string;
  /** What the vendor does, as the test's name. */
  readonly name: string;
  /** The configuration of the row's fresh environment (see PRESETS in iv-examples.test.ts). */
  readonly preset?: Preset;
  readonly steps: readonly Step[];
  /** Why the row cannot be matched or checked against Onhand; the row is then skipped with it. */
  readonly skip?: string;
}

/**
 * default: Onhand's default configuration (by location). sample: the vendor's sample runtime
 * configuration as it is (byProductId). byLocation: the sample partitioned by location. mod64: the
 * sample under ByLocationAndProductIdMod64 with useProductId and useDimensions. atp180: the sample,
 * by location, with the 180-day ATP model on. v1: the sample by location with reservation hierarchy
 * version 1. noIndex: by location without an index set.
 */
export type Preset = 'default' | 'sample' | 'byLocation' | 'mod64' | 'atp180' | 'v1' | 'noIndex';

/** One HTTP request and what its answer must be. Strings may hold {{name}} of saved values. */
export interface Step {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to /api/environment/{env}; a path starting with "//" is absolute ("//health/ping"). */
  readonly path: string;
  readonly body?: unknown;
  /** A body sent as it is (e.g. a form), with its content type. */
  readonly raw?: { readonly text: string; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** admin (default): the admin's bearer token; none: no Authorization header; lowercase: "bearer …". */
  readonly auth?: 'admin' | 'none' | 'lowercase' | 'invalid';
  /** The HTTP status; default: any 2xx. */
  readonly status?: number;
  /** The answer must contain this (deep partial match, arrays of the same length). */
  readonly expect?: unknown;
  /** Values of the answer's top-level fields to keep, by name, for later steps ({{name}}). */
  readonly save?: Readonly<Record<string, string>>;
}

/** A date `days` after today (UTC) as yyyy-MM-dd, for schedules inside the schedule period. */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A date `days` after today as JavaScript's Date.toDateString() writes it ("Tue Sep 26 2023"). */
export function dateStringFromToday(days: number): string {
  const date = new Date(`${dayFromToday(days)}T12:00:00Z`);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    date.getUTCMonth()
  ];
  return `${day} ${month} ${String(date.getUTCDate()).padStart(2, '0')} ${date.getUTCFullYear()}`;
}

export const AT = { siteId: 's1', locationId: 'l1' } as const;

/** An on-hand change of iv.onhand (the vendor sample's measure). */
export function onhand(
  id: string,
  productId: string,
  dimensions: Record<string, string>,
  quantity: unknown = 10,
) {
  return { id, organizationId: 'usmf', productId, dimensions, quantities: { iv: { onhand: quantity } } };
}

/** A reservation of @iv.@softreserved (the vendor sample's mapping to @iv.@available_to_reserve). */
export function reserve(
  id: string,
  productId: string,
  dimensions: Record<string, string>,
  quantity: number,
  check = true,
) {
  return {
    id,
    organizationId: 'usmf',
    productId,
    quantity,
    quantityDataSource: '@iv',
    modifier: '@softreserved',
    ifCheckAvailForReserv: check,
    dimensions,
  };
}

/** An allocation body of the vendor sample's groups. */
export function allocation(
  id: string,
  productId: string,
  dimensions: Record<string, string>,
  quantity: number,
  groups: Record<string, string> = { channel: 'web' },
) {
  return { id, organizationId: 'usmf', productId, groups, quantity, dimensions };
}
