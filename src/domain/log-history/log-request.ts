import { fail } from '../codes.js';
import { checkDimensionValue, checkId } from '../identifiers.js';

/** The body of POST …/logTransactionDetails (spec §2.12), after schema validation. */
export interface LogHistoryInput {
  readonly id: string;
  readonly organizationId: string;
  readonly UtcFromDate: string;
  readonly UtcToDate: string;
  readonly productId?: string;
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** A checked log-history request: which ledger changes the extract holds. */
export interface LogHistoryRequest {
  readonly id: string;
  readonly organizationId: string;
  /** First instant included (ISO-8601). */
  readonly from: string;
  /** First instant no longer included (ISO-8601): the day after UtcToDate, or the time given. */
  readonly until: string;
  readonly productId: string | null;
  /** Dimension filters, names lower-case as base dimensions are stored. */
  readonly dimensions: Readonly<Record<string, string>>;
}

const SLASH_DATE = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/;

/**
 * Checks a log-history request. Dates are days in UTC as the vendor's example writes them
 * ("2023/8/23"), ISO days ("2023-08-23") or RFC 3339 times; a day as UtcToDate includes the whole day.
 */
export function parseLogHistory(input: LogHistoryInput): LogHistoryRequest {
  const from = instant(input.UtcFromDate, '/UtcFromDate', false);
  const until = instant(input.UtcToDate, '/UtcToDate', true);
  if (from >= until) fail('invalid_date_range', '/UtcToDate', 'UtcToDate lies before UtcFromDate.');
  const dimensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.dimensions ?? {})) {
    dimensions[name.toLowerCase()] = checkDimensionValue(value, `/dimensions/${name}`);
  }
  return {
    id: checkId(input.id, '/id'),
    organizationId: checkId(input.organizationId, '/organizationId'),
    from,
    until,
    productId: input.productId === undefined ? null : checkId(input.productId, '/productId'),
    dimensions,
  };
}

function instant(raw: string, path: string, end: boolean): string {
  const day = SLASH_DATE.exec(raw.trim());
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const date = new Date(Date.UTC(y, m - 1, d + (end ? 1 : 0)));
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
      fail('invalid_date', path, `"${raw}" is not a calendar date.`);
    return date.toISOString();
  }
  const time = /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(time))
    fail('invalid_date', path, `"${raw}" is not a date such as "2023/8/23" or "2023-08-23".`);
  return new Date(time).toISOString();
}

/** One row of the extract: one change an accepted write made, with when and through which API. */
export interface LogHistoryRow {
  readonly position: number;
  readonly recordedAt: string;
  /** The ledger entry's kind, e.g. onhand.change, onhand.set, reservation.reserve. */
  readonly apiType: string;
  readonly eventId: string | null;
  readonly clientId: string | null;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly dataSource: string;
  readonly measure: string;
  /** The exact change, in millionths as decimal text (JSON-safe). */
  readonly quantity: string;
  /** Change schedules: the day the change is scheduled for. */
  readonly date?: string;
}

/** What the extract reads of a ledger entry. */
export interface LoggedEntry {
  readonly position: number;
  readonly recordedAt: string;
  readonly kind: string;
  readonly eventId: string | null;
  readonly clientId: string | null;
  readonly changes: readonly {
    readonly organizationId: string;
    readonly productId: string;
    readonly dimensions: Readonly<Record<string, string>>;
    readonly dataSource: string;
    readonly measure: string;
    readonly delta: bigint;
    readonly date?: string;
  }[];
}

/** The rows of one ledger entry that the request selects (none when it lies outside the dates). */
export function logRows(request: LogHistoryRequest, entry: LoggedEntry): LogHistoryRow[] {
  if (entry.recordedAt < request.from || entry.recordedAt >= request.until) return [];
  return entry.changes
    .filter(
      (c) =>
        c.organizationId === request.organizationId &&
        (request.productId === null || c.productId === request.productId) &&
        Object.entries(request.dimensions).every(([name, value]) => (c.dimensions[name] ?? '') === value),
    )
    .map((c) => ({
      position: entry.position,
      recordedAt: entry.recordedAt,
      apiType: entry.kind,
      eventId: entry.eventId,
      clientId: entry.clientId,
      organizationId: c.organizationId,
      productId: c.productId,
      dimensions: c.dimensions,
      dataSource: c.dataSource,
      measure: c.measure,
      quantity: c.delta.toString(),
      ...(c.date === undefined ? {} : { date: c.date }),
    }));
}
