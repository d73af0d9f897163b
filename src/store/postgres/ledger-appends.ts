import type { LedgerEntry } from '../store.js';
import type { WriteFormatCache } from './ledger-format/postgres-ledger-format.js';
import type { PipelinedConnection } from './pipeline.js';
import { ledgerColumns } from './row-mapping.js';
import { APPEND_LEDGER } from './statements.js';

/**
 * The ledger appends of one PostgreSQL transaction (PostgresTx), all under the commit id the first one
 * draws: `append` runs APPEND_LEDGER at once and answers the seqs; `appendAtCommit` defers it to the
 * transaction's next statement, at the latest its COMMIT (pipeline.ts), so a batch's append costs no
 * round trip of its own. An append that follows a deferred one waits for its commit id first.
 */
export class LedgerAppends {
  /** The commit id drawn by the first append (text: a bigint); the sequencer stamps the transaction under it. */
  commitId: string | null = null;
  /** A deferred append has not run yet: the commit id may not be known. */
  #pending = false;

  constructor(
    private readonly client: PipelinedConnection,
    private readonly writeFormat: WriteFormatCache,
  ) {}

  async append(entries: readonly LedgerEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const format = await this.writeFormat.get(this.client);
    await this.#settle();
    const { rows } = await this.client.query<{ seq: string; commit_id: string }>(APPEND_LEDGER, [
      ...ledgerColumns(entries, format),
      this.commitId,
    ]);
    this.commitId = rows[0]?.commit_id ?? this.commitId;
    return rows
      .map((r) => BigInt(r.seq))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map(Number);
  }

  async appendAtCommit(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const format = await this.writeFormat.get(this.client);
    await this.#settle();
    this.#pending = true;
    this.client.defer(APPEND_LEDGER, [...ledgerColumns(entries, format), this.commitId], (result) => {
      this.#pending = false;
      this.commitId = (result.rows[0] as { commit_id?: string } | undefined)?.commit_id ?? this.commitId;
    });
  }

  /** Sends what is deferred (a round trip) when a deferred append's commit id is still unknown. */
  async #settle(): Promise<void> {
    if (this.#pending) await this.client.query('SELECT 1', []);
  }
}
