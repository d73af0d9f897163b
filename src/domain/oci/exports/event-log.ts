import { LOCATION, SITE } from '../../dimensions.js';
import { formatQty, parseQty, type Qty } from '../../quantity.js';
import { GROUP_LOCK, OCI_SOURCE } from '../group-locks.js';
import type { IvPlace } from '../location-graph.js';
import type { MeasureRef } from '../oci-measures.js';

/** A stock change of a ledger entry, as the event log reads it. */
export interface EventChange {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly dataSource: string;
  readonly measure: string;
  readonly delta: Qty;
  /** Set on a scheduled change (a future), its date. */
  readonly date?: string;
}

/** What the event log reads of a ledger entry (docs/oci.md, "Event log export"). */
export interface EventEntry {
  readonly seq: number;
  readonly kind: string;
  readonly eventId: string | null;
  readonly recordedAt: string;
  readonly request: unknown;
  readonly changes: readonly EventChange[];
}

/** One event line of the file (spec §4.5); quantities as JSON numbers. */
export interface LocationEvent {
  readonly eventType: string;
  readonly location: string;
  readonly sequenceNumber: number;
  readonly quantity: number;
  readonly newReserved: number;
  readonly newAto: number;
  readonly newOnHand: number;
  readonly newAtf: number;
  readonly newSoftReserved: number;
  readonly futureQuantity: number;
  readonly oldReserved: number;
  readonly oldAto: number;
  readonly oldOnHand: number;
  readonly oldAtf: number;
  readonly oldSoftReserved: number;
  readonly createdTime: string;
  readonly effectiveTime: string;
  readonly safetyStockCount: number;
}

interface State {
  onHand: Qty;
  reserved: Qty;
  soft: Qty;
  safety: Qty;
  futures: Map<string, Qty>;
}

const fresh = (): State => ({ onHand: 0n, reserved: 0n, soft: 0n, safety: 0n, futures: new Map() });
const copy = (s: State): State => ({ ...s, futures: new Map(s.futures) });
const n = (q: Qty) => Number(formatQty(q));
const pos = (q: Qty) => (q > 0n ? q : 0n);

/**
 * Replays one SKU's history at some OCI locations from the ledger (every entry, in commit order, from
 * the first), and keeps an event for each entry of the window that changed the SKU at one of them: its
 * on hand, reserved, soft reserved (group locks), futures or safety stock, with the values before and
 * after (spec §4.5). `eventType` is `location_import` for an import's on-hand counts and the ledger kind
 * otherwise (`onhand.set`, `oci.reserve`, `reservation.expire`, …).
 */
export class EventLogFold {
  readonly #state = new Map<string, State>();
  readonly #byPlace: Map<string, string>;
  readonly events: LocationEvent[] = [];

  constructor(
    private readonly sku: string,
    places: readonly { id: string; iv: IvPlace }[],
    private readonly measures: { onHand: MeasureRef; reserved: MeasureRef },
    private readonly window: { from: string; to: string },
  ) {
    this.#byPlace = new Map(
      places.map((p) => [JSON.stringify([p.iv.organizationId, p.iv.siteId, p.iv.locationId]), p.id]),
    );
    for (const p of places) this.#state.set(p.id, fresh());
  }

  add(entry: EventEntry): void {
    const before = new Map<string, State>();
    const touch = (id: string): State => {
      const state = this.#state.get(id) as State;
      if (!before.has(id)) before.set(id, copy(state));
      return state;
    };
    for (const c of entry.changes) {
      if (c.productId !== this.sku) continue;
      const id = this.#byPlace.get(
        JSON.stringify([c.organizationId, c.dimensions[SITE] ?? '', c.dimensions[LOCATION] ?? '']),
      );
      if (id === undefined) continue;
      const is = (m: MeasureRef) => c.dataSource === m.dataSource && c.measure === m.measure;
      if (c.date !== undefined) {
        if (!is(this.measures.onHand)) continue;
        const s = touch(id);
        s.futures.set(c.date, (s.futures.get(c.date) ?? 0n) + c.delta);
      } else if (is(this.measures.onHand)) touch(id).onHand += c.delta;
      else if (is(this.measures.reserved)) touch(id).reserved += c.delta;
      else if (c.dataSource === OCI_SOURCE && c.measure === GROUP_LOCK) touch(id).soft += c.delta;
    }
    if (entry.kind === 'oci.safetystock') {
      const rows = (entry.request as { rows?: { locationId?: string; sku?: string; quantity?: string }[] })
        ?.rows;
      for (const row of rows ?? []) {
        if (row.sku !== this.sku || row.locationId === undefined || !this.#state.has(row.locationId))
          continue;
        touch(row.locationId).safety = parseQty(row.quantity ?? '0', '');
      }
    }
    if (entry.recordedAt < this.window.from || entry.recordedAt > this.window.to) return;
    for (const [id, old] of before) this.emit(entry, id, old, this.#state.get(id) as State);
  }

  private emit(entry: EventEntry, location: string, old: State, now: State): void {
    const day = entry.recordedAt.slice(0, 10);
    const future = (s: State) => {
      let sum = 0n;
      for (const [date, q] of s.futures) if (date >= day) sum += q;
      return pos(sum);
    };
    const atf = (s: State) => pos(pos(s.onHand) - pos(s.reserved) - s.safety);
    const ato = (s: State) => pos(pos(s.onHand) + future(s) - pos(s.reserved) - s.safety);
    const deltas = [
      now.onHand - old.onHand,
      now.reserved - old.reserved,
      now.soft - old.soft,
      future(now) - future(old),
      now.safety - old.safety,
    ];
    const changed = deltas.find((d) => d !== 0n);
    if (changed === undefined) return;
    const imported = entry.kind.startsWith('onhand.') && (entry.eventId ?? '').startsWith('oci~');
    this.events.push({
      eventType: imported ? 'location_import' : entry.kind,
      location,
      sequenceNumber: entry.seq,
      quantity: n(changed < 0n ? -changed : changed),
      newReserved: n(pos(now.reserved)),
      newAto: n(ato(now)),
      newOnHand: n(pos(now.onHand)),
      newAtf: n(atf(now)),
      newSoftReserved: n(pos(now.soft)),
      futureQuantity: n(future(now)),
      oldReserved: n(pos(old.reserved)),
      oldAto: n(ato(old)),
      oldOnHand: n(pos(old.onHand)),
      oldAtf: n(atf(old)),
      oldSoftReserved: n(pos(old.soft)),
      createdTime: entry.recordedAt,
      effectiveTime: entry.recordedAt,
      safetyStockCount: n(now.safety),
    });
  }
}
