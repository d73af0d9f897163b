import { createWriteStream, type WriteStream } from 'node:fs';

/** What one item of a write was told (a single write has one item, a bulk write one per event). */
export interface ItemOutcome {
  /** The event id as sent (without the vendor's `ohre~`/`ohoe~` prefix). */
  readonly id: string;
  /** processingStatus: success, partialSuccess, failure, conflict, notFound, unknown. */
  readonly status: string;
  readonly code?: string;
  /** Reserve, unreserve, offset and extend: the reservation the answer names. */
  readonly reservationId?: string;
  /** Extend and reserve with an expiry: the expiry the answer names. */
  readonly expiresAt?: string;
  /** OCI reservation create: the answer (canonical JSON, keys sorted), compared with the ledger's outcome. */
  readonly detail?: string;
}

/**
 * One request a soak client sent and what it was told: a line of the history (JSON lines). Retries of
 * the same request (same event ids, same body) share `request` and count `attempt` from 1.
 */
export interface HistoryRecord {
  /** Order of completion in the history. */
  readonly n: number;
  /** When it was sent and when its answer (or failure) came, ms since the phase began. */
  readonly sentAt: number;
  readonly doneAt: number;
  readonly client: string;
  /** What it was: onhand.bulk, setonhand, reserve, unreserve, offset, extend, allocate, query, … */
  readonly op: string;
  /** Which server it went to (a, b). */
  readonly server: string;
  /** The ledger family of the write (onhand, setonhand, reserve, …); absent for reads. */
  readonly family?: string;
  /** A key shared by every attempt of one request. */
  readonly request: string;
  readonly attempt: number;
  /** The HTTP status, or what happened instead. */
  readonly status: number | 'timeout' | 'network';
  /** Per-event outcomes of a write answered 2xx-or-envelope. */
  readonly items?: readonly ItemOutcome[];
  /** Set on a hostile request: which kind of hostility. */
  readonly hostile?: string;
  /** A short note for the reader (an error code, what was expected). */
  readonly note?: string;
}

export type NewRecord = Omit<HistoryRecord, 'n'>;

/** Collects the history of a phase in memory and, when given a path, as JSON lines on disk. */
export class History {
  readonly records: HistoryRecord[] = [];
  readonly #out: WriteStream | undefined;

  constructor(path?: string) {
    this.#out = path === undefined ? undefined : createWriteStream(path);
  }

  add(record: NewRecord): HistoryRecord {
    const full: HistoryRecord = { n: this.records.length + 1, ...record };
    this.records.push(full);
    this.#out?.write(`${JSON.stringify(full)}\n`);
    return full;
  }

  async close(): Promise<void> {
    const out = this.#out;
    if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
  }
}

/** Reads a history written by History (one JSON record per line). */
export function parseHistory(text: string): HistoryRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HistoryRecord);
}
