import type { HistoryRecord } from '../history.js';

/** One change of a ledger entry, as GET …/ledger serves it. */
export interface LedgerChange {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly dataSource: string;
  readonly measure: string;
  readonly delta: number;
  /** A change to a scheduled value of that day (not to stock). */
  readonly date?: string;
}

/** A ledger entry, as GET …/ledger serves it (the fields the checker reads). */
export interface LedgerEntry {
  readonly position: string | number;
  readonly seq?: number;
  readonly family: string;
  readonly eventId: string | null;
  readonly kind: string;
  /** When it was written: the entries of one OCI operation share it. */
  readonly recordedAt?: string;
  readonly clientId?: string | null;
  readonly reference: string | null;
  readonly request?: unknown;
  readonly outcome: {
    readonly id: string;
    readonly status: string;
    readonly message?: string;
    readonly extra?: Readonly<Record<string, unknown>>;
  };
  readonly changes: readonly LedgerChange[];
}

/** A stored value of the snapshot (GET …/snapshot `stock` lines). */
export interface StockRow {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly dataSource: string;
  readonly measure: string;
  readonly quantity: string | number;
  /** `schedule` lines carry their day. */
  readonly date?: string;
}

/** A reservation as GET …/onhand/reservations/{id} serves it. */
export interface ReservationView {
  readonly reservationId: string;
  readonly organizationId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly productId: string;
  readonly quantity: number;
  readonly remaining: number;
  readonly expiresAt: string | null;
  readonly status: string;
  readonly history: readonly {
    readonly seq: number;
    readonly kind: string;
    readonly changes: readonly LedgerChange[];
  }[];
}

/** One allocation record of POST …/allocation/query. */
export interface AllocationView {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly groups: Readonly<Record<string, string>>;
  /** The groups as the stored rows name their levels (`@g0`: value, …). */
  readonly levels: Readonly<Record<string, string>>;
  readonly remaining: number;
}

/** What a follower of the feed saw. */
export interface FollowerLog {
  readonly name: string;
  /** `entries`: every entry, in order, once (SSE). `deliveries`: at least once, grouped by delivery id. */
  readonly kind: 'sse' | 'webhook' | 'sdk';
  /** The position it started after. */
  readonly after: string;
  /** SSE and webhook: positions in the order received; a webhook's per delivery. */
  readonly deliveries: readonly { readonly id: string; readonly positions: readonly string[] }[];
  /** The position its values reflect, and the values: tuple key (see tupleKey) → published measure. */
  readonly position: string;
  readonly values: Readonly<Record<string, number>>;
  /** What the follower says of itself (connected, reconnects, last heard), for the reader of a failure. */
  readonly status?: string;
}

/** The measures of the availability that guards reservations and allocations (`ds.measure`). */
export interface PoolFormula {
  readonly plus: readonly string[];
  readonly minus: readonly string[];
}

/** The OCI location graph of a phase (docs/oci.md): each location with the IV place it stands for. */
export interface OciGraphView {
  readonly locations: readonly {
    readonly id: string;
    readonly iv: { readonly organizationId: string; readonly siteId: string; readonly locationId: string };
  }[];
  readonly groups: readonly { readonly id: string; readonly locations: readonly string[] }[];
}

/** One record of OCI get-availability (a SKU at a location or a group), the fields the checker compares. */
export interface OciAvailabilityView {
  readonly kind: 'location' | 'group';
  readonly id: string;
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly safetyStockCount: number;
  readonly groupReserved: number;
  readonly sharedGroupReserved: number;
}

/** What the checker reads of OCI: the graph, and the availability get-availability answered at `position`. */
export interface OciObserved {
  readonly graph: OciGraphView;
  readonly position: string;
  readonly availability: readonly OciAvailabilityView[];
}

/** Everything the checker reads about one phase once its load stopped. */
export interface Observed {
  readonly history: readonly HistoryRecord[];
  readonly ledger: readonly LedgerEntry[];
  readonly snapshot: { readonly position: string; readonly stock: readonly StockRow[] };
  readonly schedules?: readonly StockRow[];
  readonly pool: PoolFormula;
  readonly reservations: readonly ReservationView[];
  readonly allocations: readonly AllocationView[];
  readonly followers: readonly FollowerLog[];
  /** The last ledger position when the followers were read (they must have reached it). */
  readonly head: string;
  /** When the reservations were read (ms since the epoch), for the expiry rule. */
  readonly readAt: number;
  /** OCI's graph and final availability, where the phase ran OCI clients. */
  readonly oci?: OciObserved;
  /** Servers that exited without being told to (not a SIGKILL or SIGTERM of the soak). */
  readonly crashes?: readonly {
    readonly server: string;
    readonly code: number | null;
    readonly signal: string | null;
    readonly output: string;
  }[];
}

/** A broken promise: which check, what, and the history and ledger lines that show it. */
export interface Violation {
  readonly check: string;
  readonly message: string;
  readonly evidence: readonly unknown[];
}

/** The outcome of one check. */
export interface CheckResult {
  readonly check: string;
  /** What it looked at (e.g. "1234 ledger entries"). */
  readonly looked: string;
  readonly violation?: Violation;
}

export const num = (p: string | number): bigint => BigInt(p);

/** One stored value: organization, product, dimensions (sorted), data source, measure. */
export function valueKey(c: {
  organizationId: string;
  productId: string;
  dimensions: Readonly<Record<string, string>>;
  dataSource: string;
  measure: string;
}): string {
  return `${tupleKey(c)}|${c.dataSource}.${c.measure}`;
}

/** One dimension tuple of one product: organization, product, dimensions with a value, sorted. */
export function tupleKey(c: {
  organizationId: string;
  productId: string;
  dimensions: Readonly<Record<string, string>>;
}): string {
  const dims = Object.entries(c.dimensions)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k.toLowerCase()}=${v}`)
    .sort()
    .join(',');
  return `${c.organizationId}/${c.productId}/${dims}`;
}

/** Canonical JSON (keys sorted), so an answer compares with the ledger's copy whatever the store's key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
