import type { LedgerEntry } from '../store.js';
import type { KeptRow } from './feed/committed-commits.js';
import type { WriteFormatCache } from './ledger-format/postgres-ledger-format.js';
import { ledgerAppend } from './ledger-json-columns.js';
import type { PipelinedConnection } from './pipeline.js';
import { ledgerColumns } from './row-mapping.js';

/**
 * The ledger appends of one PostgreSQL transaction (PostgresTx), all under the commit id the first one
 * draws: `append` runs APPEND_LEDGER (as ledger-json-columns.ts binds it) at once and answers the
 * seqs; `appendAtCommit` defers it to the transaction's next statement, at the latest its COMMIT
 * (pipeline.ts), so a batch's append costs no round trip of its own. An append that follows a
 * deferred one waits for its commit id first.
 *
 * It keeps the rows it inserted, as a read of the ledger gives them (the texts it sent: the JSON columns
 * are `json`, kept as written), for the feed to hold once the transaction has committed
 * (feed/committed-commits.ts). APPEND_LEDGER gives the entries their seqs in order (the n-th entry the
 * n-th smallest seq it drew), so the seqs it answers, sorted, pair with the entries.
 */
export class LedgerAppends {
  /** The commit id drawn by the first append (text: a bigint); the sequencer stamps the transaction under it. */
  commitId: string | null = null;
  /** A deferred append has not run yet: the commit id may not be known. */
  #pending = false;
  readonly #rows: KeptRow[] = [];
  /** False once an append's rows could not be paired with its seqs: none are kept then. */
  #complete = true;

  constructor(
    private readonly client: PipelinedConnection,
    private readonly writeFormat: WriteFormatCache,
  ) {}

  async append(entries: readonly LedgerEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const format = await this.writeFormat.get(this.client);
    await this.#settle();
    const columns = ledgerColumns(entries, format);
    const statement = ledgerAppend(columns, this.commitId);
    const { rows } = await this.client.query<{ seq: string; commit_id: string }>(
      statement.text,
      statement.values,
    );
    this.commitId = rows[0]?.commit_id ?? this.commitId;
    const seqs = sortedSeqs(rows);
    this.#keep(columns, seqs, entries);
    return seqs;
  }

  async appendAtCommit(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const format = await this.writeFormat.get(this.client);
    await this.#settle();
    this.#pending = true;
    const columns = ledgerColumns(entries, format);
    const statement = ledgerAppend(columns, this.commitId);
    this.client.defer(statement.text, statement.values, (result) => {
      this.#pending = false;
      this.commitId = (result.rows[0] as { commit_id?: string } | undefined)?.commit_id ?? this.commitId;
      this.#keep(columns, sortedSeqs(result.rows as { seq: string }[]), entries);
    });
  }

  /** The rows appended under `commitId`, for the feed once COMMIT succeeded; none when they are not all known. */
  appended(): { readonly commitId: string; readonly rows: readonly KeptRow[] } | null {
    return this.commitId === null || !this.#complete ? null : { commitId: this.commitId, rows: this.#rows };
  }

  /** Sends what is deferred (a round trip) when a deferred append's commit id is still unknown. */
  async #settle(): Promise<void> {
    if (this.#pending) await this.client.query('SELECT 1', []);
  }

  /**
   * The rows of ledgerColumns' `columns`, the i-th with the i-th seq and the i-th entry's changes (the
   * objects the texts were written from: a span sum takes them without decoding the texts).
   */
  #keep(
    columns: readonly (readonly (string | null)[])[],
    seqs: readonly number[],
    entries: readonly LedgerEntry[],
  ): void {
    const [env, partition, family, eventId, bodyHash, kind, recordedAt, request, outcome, changes] = columns;
    const [, , , , , , , , , , reference, clientId, format] = columns;
    if (!format || seqs.length !== format.length || entries.length !== seqs.length) {
      this.#complete = false;
      return;
    }
    for (let i = 0; i < seqs.length; i++) {
      const f = format[i];
      this.#rows.push({
        seq: seqs[i] as number,
        environment_id: text(env?.[i]) as string,
        partition_id: text(partition?.[i]) as string,
        family: text(family?.[i]) as string,
        event_id: text(eventId?.[i]),
        body_hash: text(bodyHash?.[i]) as string,
        kind: text(kind?.[i]) as string,
        recorded_at: text(recordedAt?.[i]) as string,
        // JSON texts: JSON.stringify escaped any lone surrogate, so they are stored as written.
        request: request?.[i] as string,
        outcome: outcome?.[i] as string,
        changes: changes?.[i] as string,
        reference: text(reference?.[i]),
        client_id: text(clientId?.[i]),
        format: f === null || f === undefined ? null : Number(f),
        entryChanges: entries[i]?.changes,
      });
    }
  }
}

/**
 * A text column as the database stores it: the driver sends UTF-8, which turns a lone surrogate into
 * U+FFFD (the engine refuses such ids, but the store does not rely on it).
 */
const text = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : value.toWellFormed();

/** The seqs APPEND_LEDGER answered, ascending (as numbers: seqs stay far below 2^53). */
const sortedSeqs = (rows: readonly { seq: string }[]): number[] =>
  rows
    .map((r) => BigInt(r.seq))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map(Number);
