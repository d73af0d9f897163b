import type pg from 'pg';
import type { LedgerEntry } from '../../store.js';
import { ledgerColumns } from '../row-mapping.js';
import { COMMITS_UPSERT, insertValues, LEDGER_INSERT } from './citus-writes.js';

/*
 * appendLedger on Citus. The plain statement (statements.APPEND_LEDGER) draws seqs in CTEs that Citus
 * evaluates on the coordinator and broadcasts to every worker, which opens the transaction on each
 * worker and makes every write a two-phase commit. Here the seqs are drawn on the coordinator alone
 * (the sequence lives there), then the entries and the commit rows are inserted by VALUES statements
 * that Citus routes to the shard group of their partition (citus-writes.ts).
 */

/** (count) → that many new seqs from the coordinator's ledger_seq. */
const DRAW = `SELECT nextval('ledger_seq')::text AS seq FROM generate_series(1, $1::int)`;

/**
 * Appends `entries`, written in `format`, under `commitId` (null: draws one, the smallest of the seqs drawn, so a commit id is
 * drawn after the transaction's lock keys, as on plain PostgreSQL). Returns the seqs in entry order.
 */
export async function appendLedgerOnCitus(
  client: Pick<pg.PoolClient, 'query'>,
  entries: readonly LedgerEntry[],
  commitId: string | null,
  format: 1 | 2,
): Promise<{ seqs: bigint[]; commitId: string }> {
  const drawn = (
    await client.query<{ seq: string }>(DRAW, [entries.length + (commitId === null ? 1 : 0)])
  ).rows
    .map((r) => BigInt(r.seq))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const commit = commitId ?? String(drawn.shift());
  await insertValues(
    client,
    LEDGER_INSERT,
    [],
    [drawn.map(String), ...ledgerColumns(entries, format), entries.map(() => commit)],
  );
  const groups = new Map<
    string,
    { env: string; partition: string; first: bigint; last: bigint; n: number }
  >();
  entries.forEach((entry, i) => {
    const seq = drawn[i] as bigint;
    const key = `${entry.environmentId}\u0000${entry.partitionId}`;
    const group = groups.get(key);
    if (group === undefined)
      groups.set(key, {
        env: entry.environmentId,
        partition: entry.partitionId,
        first: seq,
        last: seq,
        n: 1,
      });
    else {
      group.last = seq;
      group.n += 1;
    }
  });
  const rows = [...groups.values()];
  await insertValues(
    client,
    COMMITS_UPSERT,
    [],
    [
      rows.map((g) => g.env),
      rows.map((g) => g.partition),
      rows.map(() => commit),
      rows.map((g) => g.first.toString()),
      rows.map((g) => g.last.toString()),
      rows.map((g) => g.n),
    ],
  );
  return { seqs: drawn, commitId: commit };
}
