import type pg from 'pg';
import { type SpanDelta, SpanSums } from '../../../domain/feed/span-sums.js';
import { formatOf, rowChanges } from '../../ledger-codec.js';
import type { LedgerChange } from '../../records.js';
import type { CommittedCommits, KeptRow } from './committed-commits.js';
import { type CommitRow, readCommits, wholeRows } from './feed-read.js';
import { COMMIT_CHANGES, COMMIT_PAGE } from './feed-statements.js';

/** A row of COMMIT_CHANGES. */
interface ChangesRow {
  readonly commit_id: string;
  readonly partition_id: string;
  readonly request: string;
  readonly changes: string;
  readonly format: string | number | null;
}

/** Commit rows read per statement while finding a span's commits. */
const COMMITS_PER_PAGE = 256;

/**
 * The net change per stored value of the environment's entries at positions (first, last] (a checkpoint
 * span; SpanSums, added in position order), on plain PostgreSQL. The span's commits come from their
 * commit rows (COMMIT_PAGE: one row per commit, cheap), wherever they were committed: an entry's position
 * is its commit's position plus its rank by seq among the commit's rows, minus one, as readFeedSql
 * numbers them. For the commits this process holds whole in memory (committed-commits.ts) the changes are
 * those of the entries the rows were written from: nothing is decoded. The other commits (another
 * process's, or dropped from memory, or with rows deleted since) are read from the ledger and their
 * changes decoded, as a feed read would: the sums are the same either way, entry for entry, since a span
 * is summed from exactly the entries a feed read of (first, last] answers, in the same order.
 */
export async function sumSpan(
  pool: pg.Pool,
  held: CommittedCommits,
  environmentId: string,
  first: number,
  last: number,
): Promise<{ readonly deltas: SpanDelta[]; readonly fromMemory: number }> {
  const plan: { commit: CommitRow; rows: readonly KeptRow[] | undefined }[] = [];
  const missing: CommitRow[] = [];
  for (let after = first; ; ) {
    const page = await pool.query<CommitRow>(COMMIT_PAGE, [environmentId, after, COMMITS_PER_PAGE]);
    let beyond = false;
    for (const commit of page.rows) {
      if (Number(commit.position) > last) {
        beyond = true;
        break;
      }
      const rows = wholeRows(held, environmentId, commit);
      // Rows written without their entries' changes at hand are decoded like the database's.
      const kept = rows?.every((row) => row.entryChanges !== undefined) ? rows : undefined;
      plan.push({ commit, rows: kept });
      if (!kept) missing.push(commit);
    }
    const end = page.rows[page.rows.length - 1];
    if (beyond || !end || page.rows.length < COMMITS_PER_PAGE || Number(end.last_position) >= last) break;
    after = Number(end.last_position);
  }
  const read =
    missing.length > 0
      ? await readCommits<ChangesRow>(pool, environmentId, missing, COMMIT_CHANGES)
      : undefined;
  const sums = new SpanSums();
  let fromMemory = 0;
  for (const { commit, rows } of plan) {
    const base = Number(commit.position);
    if (rows) {
      fromMemory += addRange(sums, rows, base, first, last, (row) => row.entryChanges as LedgerChange[]);
    } else {
      const stored = read?.get(commit.commit_id) ?? [];
      addRange(sums, stored, base, first, last, (row: ChangesRow) =>
        rowChanges(row.changes, row.request, formatOf(row.format)),
      );
    }
  }
  return { deltas: sums.deltas(), fromMemory };
}

/**
 * Adds the rows at positions (first, last] of a commit whose i-th row (by seq) is at `base + i`; answers
 * how many.
 */
function addRange<R extends { readonly partition_id: string }>(
  sums: SpanSums,
  rows: readonly R[],
  base: number,
  first: number,
  last: number,
  changesOf: (row: R) => readonly LedgerChange[],
): number {
  const from = Math.max(0, first + 1 - base);
  const to = Math.min(rows.length, last + 1 - base);
  for (let i = from; i < to; i++) {
    const row = rows[i] as R;
    sums.add(row.partition_id, changesOf(row));
  }
  return Math.max(0, to - from);
}
