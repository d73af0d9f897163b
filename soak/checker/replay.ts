import { type LedgerEntry, num, type PoolFormula, tupleKey, valueKey } from './model.js';

/** The ledger in position order. */
export function inOrder(ledger: readonly LedgerEntry[]): LedgerEntry[] {
  return [...ledger].sort((a, b) => (num(a.position) < num(b.position) ? -1 : 1));
}

/** Stored values (value key → quantity) and scheduled values (value key|date → quantity) after a replay. */
export interface Replayed {
  readonly stock: Map<string, number>;
  readonly scheduled: Map<string, number>;
}

/** Applies one entry's changes to a replay. */
export function apply(state: Replayed, entry: LedgerEntry): void {
  for (const change of entry.changes) {
    const target = change.date === undefined ? state.stock : state.scheduled;
    const key = change.date === undefined ? valueKey(change) : `${valueKey(change)}|${change.date}`;
    target.set(key, (target.get(key) ?? 0) + Number(change.delta));
  }
}

/** Replays the ledger up to and including `upTo` (every entry when absent). */
export function replay(ledger: readonly LedgerEntry[], upTo?: string): Replayed {
  const state: Replayed = { stock: new Map(), scheduled: new Map() };
  const limit = upTo === undefined ? undefined : num(upTo);
  for (const entry of inOrder(ledger)) {
    if (limit !== undefined && num(entry.position) > limit) break;
    apply(state, entry);
  }
  return state;
}

/** The guarding availability (plus − minus) of one dimension tuple in a replayed state. */
export function poolAt(state: Replayed, tuple: string, pool: PoolFormula): number {
  let total = 0;
  for (const m of pool.plus) total += state.stock.get(`${tuple}|${m}`) ?? 0;
  for (const m of pool.minus) total -= state.stock.get(`${tuple}|${m}`) ?? 0;
  return total;
}

/** The tuples whose stock an entry changed (allocation group rows aside). */
export function tuplesOf(entry: LedgerEntry): string[] {
  return [
    ...new Set(entry.changes.filter((c) => !c.dataSource.startsWith('@allocation')).map((c) => tupleKey(c))),
  ];
}
