import { BY_KEY } from './batch-reads.js';
import { LOCK, VERSIONS } from './configuration-lock.js';
import { UPSERT_RESERVATIONS } from './reservation-statements.js';
import { APPEND_LEDGER, APPEND_LEDGER_JOINED, LOCK_KEYS, UPSERT_ROWS } from './statements.js';

/*
 * Named prepared statements with generic plans, only in the transactions that ask for them
 * (TransactionOptions.preparedStatements: group commit's reservation batches) and only on plain
 * PostgreSQL (PostgresStore; Citus plans each statement for its shards). The statements below, what a
 * reservation batch runs, are then parsed and analysed once per connection (a named Parse, pipeline.ts)
 * and planned once: they run with plan_cache_mode = force_generic_plan, set with SET LOCAL before the
 * first of them and set back to the default before any other statement with parameters of the same
 * transaction (withPlanModes). Their plans do not depend on their parameters' values: locks, lookups
 * by key (batch-reads.ts), upserts. Every other statement, and every statement of other transactions
 * (the on-hand batch's reads of hundreds of keys, whose custom plans are far better than a generic one),
 * is sent unnamed with PostgreSQL's default plans, as before.
 */
const TEXTS = [
  LOCK_KEYS,
  LOCK.shared,
  VERSIONS,
  BY_KEY.scopesRows,
  BY_KEY.scopesDueReservations,
  BY_KEY.findEvents,
  UPSERT_ROWS,
  UPSERT_RESERVATIONS,
  APPEND_LEDGER,
  APPEND_LEDGER_JOINED,
];

/** Each statement's name, the same on every connection (so a stale one is closed before a new Parse). */
const NAMES = new Map(TEXTS.map((text, i) => [text, `onhand_reserve_${i}`]));

/** The name `text` is prepared under, or undefined when it is sent unnamed. */
export const preparedName = (text: string): string | undefined => NAMES.get(text);

export const GENERIC_PLANS = 'SET LOCAL plan_cache_mode = force_generic_plan';
export const DEFAULT_PLANS = 'SET LOCAL plan_cache_mode TO DEFAULT';

/**
 * `statements` with GENERIC_PLANS before a prepared statement when the transaction is in default mode,
 * and DEFAULT_PLANS before any other statement with parameters when it is in generic mode (`generic`:
 * the mode the statements before these left the transaction in; answered with the mode after them).
 * Statements without parameters (BEGIN, COMMIT) are planned alike in both modes. SET LOCAL ends with
 * the transaction, committed or rolled back.
 */
export function withPlanModes<S extends { readonly text: string; readonly values: readonly unknown[] }>(
  statements: readonly S[],
  generic: boolean,
  set: (text: string) => S,
): { statements: S[]; generic: boolean } {
  const out: S[] = [];
  let mode = generic;
  for (const statement of statements) {
    const prepared = NAMES.has(statement.text);
    if (prepared && !mode) out.push(set(GENERIC_PLANS));
    else if (!prepared && mode && statement.values.length > 0) out.push(set(DEFAULT_PLANS));
    if (prepared || statement.values.length > 0) mode = prepared;
    out.push(statement);
  }
  return { statements: out, generic: mode };
}

/**
 * The names prepared on one of pg's connections: recorded once their statement completed, so a Parse
 * the server skipped (after an earlier failure of its pipeline) or whose statement then failed is sent
 * again (after a Close, which the server accepts for a name it does not hold). A new connection (a
 * reconnect) starts with none. Forgotten after an error that says a prepared statement is stale or gone
 * (store-errors.isStalePrepared), so they are prepared again on the next batch.
 */
const byConnection = new WeakMap<object, Set<string>>();

export function preparedOn(connection: object): Set<string> {
  let names = byConnection.get(connection);
  if (names === undefined) {
    names = new Set();
    byConnection.set(connection, names);
  }
  return names;
}
