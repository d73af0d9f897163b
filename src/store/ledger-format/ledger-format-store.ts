import { decodeChanges, decodeOutcome, type EntryContent, storedTexts } from './entry-format.js';

/**
 * The upgrade of the ledger's format (entry-format.ts; docs/operations.md, "Upgrading the ledger's
 * format"): which format servers write, and the resumable conversion of older entries. One row per
 * database (the ledger_format table).
 */
export interface LedgerFormatStore {
  /**
   * How long after writeNewest a server of this release may still commit an entry in format 1: it read
   * the write format just before the switch and has not read it again (SQLite: 0, every write reads it
   * in its own transaction under the write lock; PostgreSQL: SWITCH_WINDOW_MS).
   */
  readonly switchWindowMs: number;
  /** Where the database stands. */
  state(): Promise<LedgerFormatState>;
  /**
   * Makes every server write the newest format from now on (each notices within WRITE_FORMAT_TTL_MS).
   * Run it once no server of a release before format 2 shares the database: such a server would read
   * entries of format 2 wrongly. Idempotent.
   */
  writeNewest(at: string): Promise<void>;
  /**
   * Converts the next format-1 entries, at most `limit` read, into format 2, each rewritten in place
   * (seq, position and every other column kept), and records how far it got, in one transaction: an
   * interrupted conversion resumes there. Once past the last entry, it checks that no format-1 entry
   * is left (one committed late, behind the mark, by a server that had not noticed the switch yet)
   * and starts again from the beginning if one is. Refused (throws) before `writeNewest`.
   */
  convert(limit: number): Promise<ConvertStep>;
}

export interface LedgerFormatState {
  /** The format servers write: 1 until writeNewest on a database an earlier release made; 2 otherwise. */
  readonly writeFormat: 1 | 2;
  /** When writeNewest switched it (ISO-8601), or null. */
  readonly switchedAt: string | null;
  /** The conversion's mark: entries up to this seq have been looked at. */
  readonly convertedThrough: number;
  /** Entries converted so far. */
  readonly converted: number;
}

/** What one convert call did. */
export interface ConvertStep {
  readonly converted: number;
  readonly through: number;
  /** No format-1 entry is left. */
  readonly finished: boolean;
}

/** How long a server keeps the write format it read before reading it again (PostgreSQL). */
export const WRITE_FORMAT_TTL_MS = 5_000;

/**
 * PostgreSQL's switch window: a server reads the write format again at most WRITE_FORMAT_TTL_MS after it
 * last did, and a transaction that read format 1 just before that may take a few seconds more to commit.
 */
export const SWITCH_WINDOW_MS = WRITE_FORMAT_TTL_MS + 5_000;

/** The message of a conversion refused before the switch. */
export const CONVERT_BEFORE_SWITCH =
  'The ledger still writes format 1: switch it first (onhand ledger-format switch), once no server of a release before format 2 shares the database.';

/** A format-1 row as the conversion reads it. */
export interface FormatOneRow {
  readonly seq: bigint | string | number;
  readonly event_id: string | null;
  readonly request: string;
  readonly outcome: string;
  readonly changes: string;
}

/** The format-2 texts of a format-1 row: its outcome, its changes and the format column. */
export function convertRow(r: FormatOneRow): { outcome: string; changes: string; format: number } {
  const request = JSON.parse(r.request) as unknown;
  const entry: EntryContent = {
    eventId: r.event_id,
    request,
    outcome: decodeOutcome(r.outcome, r.event_id, null),
    changes: decodeChanges(r.changes, request, null),
  };
  const texts = storedTexts(entry, 2);
  return { outcome: texts.outcome, changes: texts.changes, format: texts.format ?? 2 };
}
