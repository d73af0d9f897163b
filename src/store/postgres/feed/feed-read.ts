import type pg from 'pg';
import type { FeedRecord } from '../../feed-store.js';
import { type FeedRowText, type LedgerRowText, toFeedRecord, toFeedRecordAt } from '../../ledger-codec.js';
import { CommittedCommits, type KeptRow } from './committed-commits.js';
import { COMMIT_ENTRIES, COMMIT_PAGE, readFeedSql } from './feed-statements.js';

/**
 * Ledger rows of this process's last commits the feed keeps (committed-commits.ts), and characters of
 * their texts: a W7 group commit is 500–2,050 entries of about 500 characters (docs/benchmarks.md).
 */
const HELD = { rows: 16_384, chars: 8 * 1024 * 1024 };

/** A row of COMMIT_PAGE (int8 columns as text, connection.ts). */
export interface CommitRow {
  readonly commit_id: string;
  readonly position: string;
  readonly last_position: string;
  readonly first_seq: string;
  readonly last_seq: string;
  readonly entries: number;
  readonly fed_at: string;
}

/**
 * The feed read of plain PostgreSQL (docs/feed.md, "How it works"). Without a commit of the environment
 * in memory it is readFeedSql, one statement. Otherwise it reads the page of commit rows readFeedSql
 * would join (one row per commit: cheap), builds the entries of the commits this process holds from
 * memory (position: the commit's plus the rank by seq, minus one; feed time: the commit row's), and
 * reads from the ledger only the rows of the other commits (another process's, or dropped from memory),
 * as far as the limit needs them. The answer is readFeedSql's, entry for entry: the entries after
 * `after`, in position order, at most `limit`.
 */
export class FeedReads {
  readonly held: CommittedCommits;
  #heldReads = 0;

  constructor(
    private readonly pool: pg.Pool,
    bounds: { readonly rows: number; readonly chars: number } = HELD,
  ) {
    this.held = new CommittedCommits(bounds.rows, bounds.chars);
  }

  /** Reads that took entries from memory so far (tests, metrics). */
  get heldReads(): number {
    return this.#heldReads;
  }

  async read(environmentId: string, after: number, limit: number): Promise<FeedRecord[]> {
    if (!this.held.holds(environmentId)) return this.readAll(environmentId, after, limit);
    const page = await this.pool.query<CommitRow>(COMMIT_PAGE, [environmentId, after, limit]);
    const plan: { commit: CommitRow; rows: readonly LedgerRowText[] | undefined }[] = [];
    const missing: CommitRow[] = [];
    // The commits the limit needs, counted by their entries (their rows are all there but for a deletion).
    for (let wanted = 0, i = 0; i < page.rows.length && wanted < limit; i++) {
      const commit = page.rows[i] as CommitRow;
      const rows = wholeRows(this.held, environmentId, commit);
      plan.push({ commit, rows });
      if (!rows) missing.push(commit);
      wanted += Number(commit.last_position) - Math.max(Number(commit.position) - 1, after);
    }
    // None of them held (a reader behind what memory keeps): readFeedSql, one statement instead of two.
    if (missing.length > 0 && missing.length === plan.length)
      return this.readAll(environmentId, after, limit);
    const read = missing.length > 0 ? await readCommits(this.pool, environmentId, missing) : new Map();
    const records: FeedRecord[] = [];
    for (const { commit, rows = read.get(commit.commit_id) ?? [] } of plan) {
      const base = Number(commit.position);
      for (let i = Math.max(0, Math.floor(after) - base + 1); i < rows.length && records.length < limit; i++)
        records.push(toFeedRecordAt(rows[i] as LedgerRowText, base + i, commit.fed_at));
    }
    // Fewer rows than their commits count (deleted), and commits left out: the database's read decides.
    if (records.length < limit && plan.length < page.rows.length)
      return this.readAll(environmentId, after, limit);
    if (missing.length < plan.length) this.#heldReads++;
    return records;
  }

  /** readFeedSql: every entry from the database. */
  private async readAll(environmentId: string, after: number, limit: number): Promise<FeedRecord[]> {
    const result = await this.pool.query<FeedRowText>(readFeedSql(false), [environmentId, after, limit]);
    return result.rows.map(toFeedRecord);
  }
}

/** The held rows of `commit` when they are all of its rows (none deleted since), else undefined. */
export function wholeRows(
  held: CommittedCommits,
  environmentId: string,
  commit: CommitRow,
): readonly KeptRow[] | undefined {
  const rows = held.get(environmentId, commit.commit_id)?.rows;
  return rows &&
    rows.length === commit.entries &&
    rows[0]?.seq === Number(commit.first_seq) &&
    rows[rows.length - 1]?.seq === Number(commit.last_seq)
    ? rows
    : undefined;
}

/**
 * The ledger rows of `commits` of the environment (COMMIT_ENTRIES, or a statement that reads fewer of
 * their columns), by commit id, in seq order.
 */
export async function readCommits<
  R extends { readonly commit_id: string } = LedgerRowText & { commit_id: string },
>(
  pool: pg.Pool,
  environmentId: string,
  commits: readonly CommitRow[],
  statement = COMMIT_ENTRIES,
): Promise<Map<string, R[]>> {
  const result = await pool.query<R>(statement, [
    environmentId,
    commits.map((c) => c.commit_id),
    commits.map((c) => c.first_seq),
    commits.map((c) => c.last_seq),
  ]);
  const byCommit = new Map<string, R[]>();
  for (const row of result.rows) {
    const rows = byCommit.get(row.commit_id);
    if (rows) rows.push(row);
    else byCommit.set(row.commit_id, [row]);
  }
  return byCommit;
}
