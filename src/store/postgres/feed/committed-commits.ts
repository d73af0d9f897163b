import type { LedgerRowText } from '../../ledger-codec.js';
import type { LedgerChange } from '../../records.js';

/**
 * A ledger row this process appended, its seq a number, with the changes of the entry it was written
 * from (the objects its `changes` text encodes, when known): what a span sum takes instead of decoding
 * the text (span-sum-read.ts).
 */
export type KeptRow = LedgerRowText & {
  readonly seq: number;
  readonly entryChanges?: readonly LedgerChange[] | undefined;
};

/** The rows of one environment in one committed transaction of this process, in seq order. */
export interface HeldCommit {
  readonly environmentId: string;
  readonly commitId: string;
  readonly rows: readonly KeptRow[];
  readonly chars: number;
}

/**
 * The ledger rows of the transactions this process committed last (docs/feed.md, "How it works"), by
 * environment and commit id: what a read of the feed on plain PostgreSQL takes from memory instead of
 * the ledger (feed-read.ts). A commit is added only after its COMMIT succeeded (postgres-transaction.ts),
 * so a rolled-back transaction is never here; another process's commits never are either, and are read
 * from the database.
 *
 * Bounded by rows and by characters of their texts, the change objects kept beside them included (a
 * partition clean-up's entry lists every row it deleted, so a few rows can be large), whatever the
 * sequencer does: the commits added first go first,
 * whole. A commit over the bounds on its own is not kept, and leaves the others alone.
 */
export class CommittedCommits {
  /** Insertion order is the eviction order: a Map iterates in the order its keys were added. */
  readonly #commits = new Map<string, HeldCommit>();
  /** Held commits per environment, so that a read of an environment with none skips the two-step read. */
  readonly #perEnvironment = new Map<string, number>();
  #rows = 0;
  #chars = 0;

  constructor(
    private readonly max: number,
    private readonly maxChars: number,
  ) {}

  /** The rows a committed transaction appended under `commitId` (any order, any environments). */
  add(commitId: string, rows: readonly KeptRow[]): void {
    if (rows.length === 0) return;
    const byEnvironment = new Map<string, KeptRow[]>();
    for (const row of rows) {
      const list = byEnvironment.get(row.environment_id);
      if (list) list.push(row);
      else byEnvironment.set(row.environment_id, [row]);
    }
    for (const [environmentId, list] of byEnvironment) {
      list.sort((a, b) => a.seq - b.seq);
      const chars = list.reduce((n, row) => n + charsOf(row), 0);
      const key = keyOf(environmentId, commitId);
      this.#delete(key);
      // Over the bounds on its own: not kept, and the commits held stay (it would push them all out).
      if (list.length > this.max || chars > this.maxChars) continue;
      this.#commits.set(key, { environmentId, commitId, rows: list, chars });
      this.#perEnvironment.set(environmentId, (this.#perEnvironment.get(environmentId) ?? 0) + 1);
      this.#rows += list.length;
      this.#chars += chars;
    }
    for (const key of this.#commits.keys()) {
      if (this.#rows <= this.max && this.#chars <= this.maxChars) break;
      this.#delete(key);
    }
  }

  /** The held rows of a commit of `environmentId`, if held. */
  get(environmentId: string, commitId: string): HeldCommit | undefined {
    return this.#commits.get(keyOf(environmentId, commitId));
  }

  /** Whether any commit of `environmentId` is held. */
  holds(environmentId: string): boolean {
    return this.#perEnvironment.has(environmentId);
  }

  /** Drops the commits of an environment whose entries were deleted: the database no longer holds them. */
  forget(environmentId: string): void {
    for (const [key, commit] of this.#commits) if (commit.environmentId === environmentId) this.#delete(key);
  }

  /** Forgets every commit (the store now reads elsewhere: Citus, or it stopped). */
  clear(): void {
    this.#commits.clear();
    this.#perEnvironment.clear();
    this.#rows = 0;
    this.#chars = 0;
  }

  /** Rows and characters held (tests, metrics). */
  get size(): { readonly commits: number; readonly rows: number; readonly chars: number } {
    return { commits: this.#commits.size, rows: this.#rows, chars: this.#chars };
  }

  #delete(key: string): void {
    const commit = this.#commits.get(key);
    if (!commit) return;
    this.#commits.delete(key);
    this.#rows -= commit.rows.length;
    this.#chars -= commit.chars;
    const left = (this.#perEnvironment.get(commit.environmentId) ?? 1) - 1;
    if (left > 0) this.#perEnvironment.set(commit.environmentId, left);
    else this.#perEnvironment.delete(commit.environmentId);
  }
}

const keyOf = (environmentId: string, commitId: string): string => `${commitId}\u0000${environmentId}`;

/**
 * What a row counts against the character bound: its texts, and the entry's change objects when kept,
 * at CHANGE_OBJECT_CHARS each (a change object with its dimensions measured 210 – 290 bytes of heap on
 * Node 20, whatever the format of the text stored beside it: format 2 leaves the product and
 * dimensions out of that text, so the text says little about the objects).
 */
const charsOf = (row: KeptRow): number =>
  row.request.length +
  row.outcome.length +
  row.changes.length +
  (row.entryChanges?.length ?? 0) * CHANGE_OBJECT_CHARS +
  (row.event_id?.length ?? 0);

/** What one kept change object counts against the character bound. */
export const CHANGE_OBJECT_CHARS = 300;
