import type { HistoryRecord } from '../history.js';
import type { CheckResult, LedgerEntry, Observed } from './model.js';
import { valueKey } from './model.js';
import { apply, inOrder, poolAt, type Replayed, replay, tuplesOf } from './replay.js';

/** The history records that name an event id (for evidence). */
export function recordsOf(history: readonly HistoryRecord[], eventId: string | null): HistoryRecord[] {
  if (eventId === null) return [];
  return history.filter((r) => r.items?.some((i) => i.id === eventId));
}

/** Whether an entry's write was made under an availability check. */
function checked(entry: LedgerEntry): boolean {
  if (entry.kind === 'allocation.allocate') return true;
  if (entry.kind !== 'reservation.reserve') return false;
  const request = entry.request as { ifCheckAvailForReserv?: boolean } | undefined;
  return request?.ifCheckAvailForReserv !== false;
}

/**
 * Never oversell: replaying the ledger in position order, after every write made under an availability
 * check (a checked reservation, an allocation) the guarding availability of each tuple it touched is ≥ 0.
 * Unchecked writes (an ERP deduction, a count) may take it below zero: they are facts, not promises.
 */
export function checkNoOversell(o: Observed): CheckResult {
  const state: Replayed = { stock: new Map(), scheduled: new Map() };
  let guarded = 0;
  for (const entry of inOrder(o.ledger)) {
    apply(state, entry);
    if (!checked(entry)) continue;
    guarded++;
    for (const tuple of tuplesOf(entry)) {
      const left = poolAt(state, tuple, o.pool);
      if (left < 0)
        return {
          check: 'no oversell',
          looked: `${guarded} checked writes`,
          violation: {
            check: 'no oversell',
            message: `after position ${entry.position} (${entry.kind} ${entry.eventId}) ${tuple} has ${left} available`,
            evidence: [entry, ...recordsOf(o.history, entry.eventId)],
          },
        };
    }
  }
  return { check: 'no oversell', looked: `${guarded} checked writes over ${o.ledger.length} entries` };
}

/** Never count twice: each event id of a family is in the ledger at most once. */
export function checkAtMostOnce(o: Observed): CheckResult {
  const seen = new Map<string, LedgerEntry>();
  for (const entry of o.ledger) {
    if (entry.eventId === null) continue;
    const key = `${entry.family}:${entry.eventId}`;
    const first = seen.get(key);
    if (first)
      return {
        check: 'each event applied at most once',
        looked: `${seen.size} event ids`,
        violation: {
          check: 'each event applied at most once',
          message: `${entry.family} event ${entry.eventId} was applied twice (positions ${first.position} and ${entry.position})`,
          evidence: [first, entry, ...recordsOf(o.history, entry.eventId)],
        },
      };
    seen.set(key, entry);
  }
  return { check: 'each event applied at most once', looked: `${seen.size} event ids` };
}

/** The ledger replays to the stored state: stock and schedules at the snapshot's position. */
export function checkReplay(o: Observed): CheckResult {
  const state = replay(o.ledger, o.snapshot.position);
  const stored = new Map<string, number>();
  for (const row of o.snapshot.stock) stored.set(valueKey(row), Number(row.quantity));
  const scheduled = new Map<string, number>();
  for (const row of o.schedules ?? []) scheduled.set(`${valueKey(row)}|${row.date}`, Number(row.quantity));
  const looked = `${stored.size} stored and ${scheduled.size} scheduled values at position ${o.snapshot.position}`;
  for (const [name, replayed, actual] of [
    ['stored', state.stock, stored],
    ['scheduled', state.scheduled, scheduled],
  ] as const) {
    for (const key of new Set([...replayed.keys(), ...actual.keys()])) {
      const want = replayed.get(key) ?? 0;
      const have = actual.get(key) ?? 0;
      if (want !== have)
        return {
          check: 'ledger replay equals stored state',
          looked,
          violation: {
            check: 'ledger replay equals stored state',
            message: `${name} ${key} is ${have} but the ledger replays to ${want}`,
            evidence: o.ledger.filter((e) => e.changes.some((c) => key.startsWith(valueKey(c)))),
          },
        };
    }
  }
  return { check: 'ledger replay equals stored state', looked };
}
