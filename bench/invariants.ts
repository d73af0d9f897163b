import { dimensionsKey } from '../src/domain/dimensions.js';
import type { ReservationRecord, StockKey, Store } from '../src/store/store.js';

/** Thrown when a write workload left the store in a state that breaks a rule of design.md. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** What the invariant check read, for the report. */
export interface InvariantReport {
  readonly ledgerEntries: number;
  readonly storedValues: number;
  readonly reservations: number;
  readonly reservedProducts: number;
}

/**
 * Measures of the default configuration's availability for reservation (iv.availabletoreserve):
 * supply minus demand. The workloads reserve at the exact tuple that holds their stock, so "no
 * oversell" means this sum is never negative for any stored tuple that has reservations.
 */
const SUPPLY = ['fno.physicalinvent', 'fno.ordered', 'fno.arrived', 'pos.inbound', 'iv.ordered'];
const DEMAND = [
  'fno.reservphysical',
  'iv.softreserved',
  'pos.outbound',
  'fno.softreserved',
  '@iv.@allocated',
];

const valueKey = (k: StockKey) =>
  [k.organizationId, k.productId, dimensionsKey(k.dimensions), k.dataSource, k.measure].join('\u0000');
const tupleKey = (k: Omit<StockKey, 'dataSource' | 'measure'>) =>
  [k.organizationId, k.productId, dimensionsKey(k.dimensions)].join('\u0000');

/**
 * Checks, through the Store port, the rules a write workload must keep in one environment:
 * 1. a replay of the ledger (sum of every entry's deltas per stored value) equals the stored state;
 * 2. the ledger holds at least `acknowledgedEvents` entries (every 2xx was durably recorded);
 * 3. reserved equals the sum granted: iv.softreserved of every tuple equals the sum of the remaining
 *    quantities of its open reservations;
 * 4. no oversell: supply minus demand is never negative where something is reserved.
 * Throws InvariantViolation naming the first broken rule.
 */
export async function checkInvariants(
  store: Store,
  environmentId: string,
  acknowledgedEvents = 0,
): Promise<InvariantReport> {
  // Requests the load generator abandoned at the end of a run may still be committing. Stock, ledger
  // and reservations are read one after the other, so read them again until no ledger entry was
  // appended meanwhile (every write appends to the ledger in the same transaction).
  for (let attempt = 0; ; attempt++) {
    const before = await lastSeqOf(store, environmentId);
    let outcome: { report: InvariantReport } | { error: unknown };
    try {
      outcome = { report: (await checkOnce(store, environmentId, acknowledgedEvents)).report };
    } catch (error) {
      outcome = { error };
    }
    const quiet = (await lastSeqOf(store, environmentId)) === before;
    if (quiet && 'report' in outcome) return outcome.report;
    if (quiet || attempt >= 10)
      throw 'error' in outcome
        ? outcome.error
        : new InvariantViolation(`${environmentId}: the server never became idle`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The seq of the environment's last ledger entry (0 when none). */
async function lastSeqOf(store: Store, environmentId: string): Promise<number> {
  let last = 0;
  for (;;) {
    const page = await store.readLedger(environmentId, last, 10_000);
    if (page.length === 0) return last;
    last = page[page.length - 1]?.seq ?? last;
  }
}

async function checkOnce(
  store: Store,
  environmentId: string,
  acknowledgedEvents: number,
): Promise<{ report: InvariantReport; lastSeq: number }> {
  const replayed = new Map<string, bigint>();
  let ledgerEntries = 0;
  let lastSeq = 0;
  for (let after = 0; ; ) {
    const page = await store.readLedger(environmentId, after, 10_000);
    if (page.length === 0) break;
    for (const entry of page) {
      ledgerEntries++;
      for (const change of entry.changes) {
        const key = valueKey(change);
        replayed.set(key, (replayed.get(key) ?? 0n) + change.delta);
      }
    }
    after = page[page.length - 1]?.seq ?? after;
    lastSeq = after;
  }
  const rows = await store.readStock(environmentId, { organizationIds: ['usmf'] });
  const stored = new Map<string, bigint>();
  for (const row of rows) if (row.quantity !== 0n) stored.set(valueKey(row), row.quantity);
  for (const [key, value] of replayed) if (value === 0n) replayed.delete(key);
  if (stored.size !== replayed.size) {
    throw new InvariantViolation(
      `${environmentId}: the ledger replays to ${replayed.size} non-zero values but ${stored.size} are stored`,
    );
  }
  for (const [key, value] of stored) {
    if (replayed.get(key) !== value) {
      throw new InvariantViolation(
        `${environmentId}: stored ${value} at ${key.replaceAll('\u0000', ' ')} but the ledger replays to ${replayed.get(key)}`,
      );
    }
  }
  if (ledgerEntries < acknowledgedEvents) {
    throw new InvariantViolation(
      `${environmentId}: ${acknowledgedEvents} events were acknowledged but the ledger holds only ${ledgerEntries}`,
    );
  }

  const reservations: ReservationRecord[] = [];
  for (let after: string | null = null; ; ) {
    const page = await store.exportReservations(environmentId, after, 10_000);
    if (page.length === 0) break;
    reservations.push(...page);
    after = page[page.length - 1]?.reservationId ?? after;
  }
  const granted = new Map<string, bigint>();
  for (const r of reservations) {
    const key = valueKey(r);
    granted.set(key, (granted.get(key) ?? 0n) + r.remaining);
  }
  const balance = new Map<string, bigint>();
  for (const row of rows) {
    const measure = `${row.dataSource}.${row.measure}`;
    const sign = SUPPLY.includes(measure) ? 1n : DEMAND.includes(measure) ? -1n : 0n;
    balance.set(tupleKey(row), (balance.get(tupleKey(row)) ?? 0n) + sign * row.quantity);
  }
  const reservedTuples = new Set<string>();
  for (const [key, sum] of granted) {
    const reserved = stored.get(key) ?? 0n;
    if (reserved !== sum) {
      throw new InvariantViolation(
        `${environmentId}: reserved ${reserved} at ${key.replaceAll('\u0000', ' ')} but its open reservations sum to ${sum}`,
      );
    }
  }
  for (const r of reservations) reservedTuples.add(tupleKey(r));
  for (const tuple of reservedTuples) {
    const available = balance.get(tuple) ?? 0n;
    if (available < 0n) {
      throw new InvariantViolation(
        `${environmentId}: oversold at ${tuple.replaceAll('\u0000', ' ')}: available to reserve is ${available}`,
      );
    }
  }
  return {
    lastSeq,
    report: {
      ledgerEntries,
      storedValues: stored.size,
      reservations: reservations.length,
      reservedProducts: reservedTuples.size,
    },
  };
}
