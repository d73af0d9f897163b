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

export const isPrepared = (text: string): boolean => texts.has(text);

/** Sent after BEGIN by a batch on plain PostgreSQL: its statements use their generic plans. */
export const GENERIC_PLANS = 'SET LOCAL plan_cache_mode = force_generic_plan';
