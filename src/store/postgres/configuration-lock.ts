import type pg from 'pg';

/*
 * Configuration locks on PostgreSQL (StoreTx.lockConfigurations): a transaction-scoped advisory lock
 * per environment, in the two-int namespace (the class below, the hash of the environment id), apart
 * from the partition write locks (bigint keys) and the feed's sequencer lock (another class).
 * A shared lock costs no row write, so every write transaction may take one.
 */
const CONFIGURATION_LOCK_CLASS = 1869506661;

export const LOCK = {
  shared: 'SELECT pg_advisory_xact_lock_shared($1, hashtext($2))',
  exclusive: 'SELECT pg_advisory_xact_lock($1, hashtext($2))',
} as const;

export const VERSIONS =
  'SELECT environment_id, version FROM environments WHERE environment_id = ANY($1::text[])';

/**
 * Takes the locks in id order (no deadlock between two transactions), then reads the versions. The
 * statements are asked for together: the connection runs them in that order, and on a pipelined one
 * (pipeline.ts) they cost one round trip; each still is its own statement.
 */
export async function lockConfigurations(
  client: Pick<pg.PoolClient, 'query'>,
  environmentIds: readonly string[],
  mode: 'shared' | 'exclusive',
): Promise<ReadonlyMap<string, number>> {
  const ids = [...new Set(environmentIds)].sort();
  const locks = ids.map((id) => client.query(LOCK[mode], [CONFIGURATION_LOCK_CLASS, id]));
  // Read after the locks: in READ COMMITTED this statement sees a hard update committed while we waited.
  const versions = client.query<{ environment_id: string; version: number | string }>(VERSIONS, [ids]);
  const [{ rows }] = await Promise.all([versions, ...locks]);
  return new Map(rows.map((r) => [r.environment_id, Number(r.version)]));
}
