/**
 * The ledger rows the plans of `node` (EXPLAIN JSON, with Citus's remote plans) visited in ledger shards:
 * those a ledger node returned and those it read and dropped (a filter, an index recheck), so that a scan
 * reading the whole shard counts its whole shard even when it filters on the environment and seq. Used by
 * bench/citus-feed-page.ts, bench/citus-feed-statements.ts and test/citus/feed-page.test.ts.
 */
export function ledgerRows(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, n) => sum + ledgerRows(n), 0);
  if (node === null || typeof node !== 'object') return 0;
  const record = node as Record<string, unknown>;
  const own = /^ledger(_\d+)?$/.test(String(record['Relation Name'] ?? ''))
    ? (Number(record['Actual Rows']) +
        Number(record['Rows Removed by Filter'] ?? 0) +
        Number(record['Rows Removed by Index Recheck'] ?? 0)) *
      Number(record['Actual Loops'])
    : 0;
  return own + Object.values(record).reduce((sum: number, v) => sum + ledgerRows(v), 0);
}
