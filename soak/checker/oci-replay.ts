import type { LedgerChange, LedgerEntry, OciGraphView } from './model.js';
import { inOrder } from './replay.js';

/** The measures OCI reads (docs/oci.md, "Quantities and measures", default configuration). */
export const OCI_ON_HAND = 'iom.onhand';
export const OCI_RESERVED = 'iv.softreserved';
export const GROUP_LOCK = '@oci.@grouplock';
const GROUP_DIMENSION = '@ocigroup';

const dim = (dims: Readonly<Record<string, string>>, name: string) =>
  Object.entries(dims).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';

/** One SKU at one OCI location, as the replay keeps it. */
interface Slot {
  onHand: number;
  /** The reserved measure over every row of the place (IV reservations of any tuple, OCI location holds). */
  reserved: number;
  /** OCI location holds: the reserved measure at the place's own row. */
  holds: number;
  locks: Map<string, number>;
  safety: number;
}

/**
 * The OCI quantities of a ledger replayed in position order (docs/oci.md): per SKU and location its on
 * hand, reserved, group locks by group and safety stock (from `oci.safetystock` entries).
 */
export class OciReplay {
  readonly #locationOf = new Map<string, string>();
  readonly #slots = new Map<string, Slot>();

  constructor(readonly graph: OciGraphView) {
    for (const l of graph.locations)
      this.#locationOf.set(`${l.iv.organizationId}|${l.iv.siteId}|${l.iv.locationId}`, l.id);
  }

  /** The OCI location a change's place stands for, if any. */
  locationOf(c: Pick<LedgerChange, 'organizationId' | 'dimensions'>): string | undefined {
    return this.#locationOf.get(
      `${c.organizationId}|${dim(c.dimensions, 'siteid')}|${dim(c.dimensions, 'locationid')}`,
    );
  }

  slot(locationId: string, sku: string): Slot {
    const key = `${locationId}\u0000${sku}`;
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { onHand: 0, reserved: 0, holds: 0, locks: new Map(), safety: 0 };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  /** Whether a change is an OCI hold: a location hold (the reserved measure at the place's own row) or a group lock. */
  holdOf(c: LedgerChange): { locationId: string; group?: string } | undefined {
    const locationId = this.locationOf(c);
    if (locationId === undefined || c.date !== undefined) return undefined;
    const measure = `${c.dataSource}.${c.measure}`;
    if (measure === GROUP_LOCK) return { locationId, group: dim(c.dimensions, GROUP_DIMENSION) };
    const own = Object.entries(c.dimensions).filter(([, v]) => v !== '').length === 2;
    return measure === OCI_RESERVED && own ? { locationId } : undefined;
  }

  apply(entry: LedgerEntry): void {
    if (entry.kind === 'oci.safetystock')
      for (const row of (entry.request as { rows?: { locationId: string; sku: string; quantity: string }[] })
        ?.rows ?? [])
        this.slot(row.locationId, row.sku).safety = Number(row.quantity);
    for (const c of entry.changes) {
      const locationId = this.locationOf(c);
      if (locationId === undefined || c.date !== undefined) continue;
      const slot = this.slot(locationId, c.productId);
      const measure = `${c.dataSource}.${c.measure}`;
      const delta = Number(c.delta);
      if (measure === OCI_ON_HAND) slot.onHand += delta;
      if (measure === OCI_RESERVED) slot.reserved += delta;
      const hold = this.holdOf(c);
      if (hold?.group !== undefined) slot.locks.set(hold.group, (slot.locks.get(hold.group) ?? 0) + delta);
      else if (hold) slot.holds += delta;
    }
  }

  locked(locationId: string, sku: string): number {
    let total = 0;
    for (const q of this.slot(locationId, sku).locks.values()) total += q;
    return total;
  }

  /** What a new promise may take at a location: on hand − reserved − safety stock − every group's lock (not clamped). */
  free(locationId: string, sku: string): number {
    const s = this.slot(locationId, sku);
    return s.onHand - s.reserved - s.safety - this.locked(locationId, sku);
  }

  /** A location's ATF: on hand − reserved − safety stock, never below 0. */
  atf(locationId: string, sku: string): number {
    const s = this.slot(locationId, sku);
    return Math.max(0, s.onHand - s.reserved - s.safety);
  }

  /** A group's ATF before clamping: Σ of its locations' ATF less every group lock at them. */
  groupAtf(groupId: string, sku: string): number {
    const members = this.graph.groups.find((g) => g.id === groupId)?.locations ?? [];
    return members.reduce((sum, l) => sum + this.atf(l, sku) - this.locked(l, sku), 0);
  }

  /** Every SKU at every location the replay has seen. */
  *slots(): Generator<[string, string, Slot]> {
    for (const [key, slot] of this.#slots) {
      const [locationId, sku] = key.split('\u0000') as [string, string];
      yield [locationId, sku, slot];
    }
  }
}

/** One entry of the replay, and the operation it completes (every entry of it, the first with an event id first). */
export interface Step {
  readonly entry: LedgerEntry;
  readonly completes?: readonly LedgerEntry[];
}

/**
 * The ledger in position order, with the operations each entry completes. An OCI operation over several
 * partitions writes one entry per partition in one transaction (the first with its event id and request,
 * the others without, all with its kind, reference and time); on PostgreSQL the sequencer numbers a
 * commit's partitions in partition order, so they need not follow each other in the order written. The
 * checks look at the state once the last of them is applied. Any other entry is an operation of its own.
 */
export function steps(ledger: readonly LedgerEntry[]): Step[] {
  const sorted = inOrder(ledger);
  const keyOf = (e: LedgerEntry) =>
    e.kind.startsWith('oci.') ? `${e.kind}|${e.recordedAt ?? ''}|${e.reference ?? ''}` : undefined;
  const groups = new Map<string, LedgerEntry[]>();
  for (const e of sorted) {
    const key = keyOf(e);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const seen = new Map<string, number>();
  return sorted.map((entry) => {
    const key = keyOf(entry);
    if (key === undefined) return { entry, completes: [entry] };
    const group = groups.get(key)!;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n < group.length) return { entry };
    return {
      entry,
      completes: [...group].sort((a, b) => (a.eventId === null ? 1 : 0) - (b.eventId === null ? 1 : 0)),
    };
  });
}
