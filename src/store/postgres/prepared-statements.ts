/*
 * The statements that a transaction sends as named prepared statements on plain PostgreSQL (pipeline.ts):
 * the fixed statements of every group-commit batch (its locks, configuration lock and versions, its reads
 * by key, its upserts and ledger append). Each is parsed and analysed once per connection and, since a
 * batch runs with plan_cache_mode = force_generic_plan (postgres-transaction.ts), planned once too:
 * their plans do not depend on the parameters' values (batch-reads.ts). Other statements stay unnamed,
 * so statements whose text varies never accumulate on a connection.
 */
const texts = new Set<string>();

/** Marks `text` as a statement to prepare, and answers it. */
export function prepared(text: string): string {
  texts.add(text);
  return text;
}

/** Sent after BEGIN by a batch on plain PostgreSQL: its statements use their generic plans. */
export const GENERIC_PLANS = 'SET LOCAL plan_cache_mode = force_generic_plan';

/**
 * The statements prepared on one connection (named: parsed and analysed once, and planned once in a
 * batch): the text of each statement that completed → its name. pipeline.ts records a name only once
 * its statement completed, so a Parse the server skipped (after an earlier failure in its pipeline) is
 * sent again, under a new name, next time. At most MAX_PREPARED names per connection (a guard; a batch's
 * statements are far fewer); beyond it statements are sent unnamed. After a "cached plan must not change
 * result type" error (a table changed under a `SELECT *` by another process's migration) the
 * connection's names are forgotten, so the statements are prepared again under new names.
 */
export interface Prepared {
  readonly names: Map<string, string>;
  next: number;
}

const MAX_PREPARED = 200;
export const CACHED_PLAN_CHANGED = '0A000';
const byConnection = new WeakMap<object, Prepared>();

/** The statements prepared on pg's `connection`. */
export function preparedOn(connection: object): Prepared {
  let state = byConnection.get(connection);
  if (state === undefined) {
    state = { names: new Map(), next: 0 };
    byConnection.set(connection, state);
  }
  return state;
}

/** A new name to prepare `text` under on this connection, or '' when it is sent unnamed. */
export function newName(state: Prepared, text: string): string {
  return texts.has(text) && state.next < MAX_PREPARED ? `onhand_${state.next++}` : '';
}
