import { fail } from '../codes.js';

/**
 * Dates of on-hand change schedules and ATP (spec §3): calendar days in UTC, written `yyyy-MM-dd`.
 * As text they sort in date order, which is how the stores compare them.
 */
export type ScheduleDate = string;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SLASH_DATE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** JavaScript's Date.toDateString(): "Tue Sep 26 2023". */
const DATE_STRING = /^([a-z]{3}) ([a-z]{3}) (\d{1,2}) (\d{4})$/i;

/**
 * Parses a schedule or ATP date leniently, as the vendor's clients send them (spec §3.3):
 * `2023-09-26`, `2023/09/26`, `Tue Sep 26 2023` (Date.toDateString), or an ISO-8601 date-time such as
 * `2023-09-26T00:00:00` or `2023-09-26T00:00:00Z` (the UTC day of that instant; no offset means UTC).
 * Throws invalid_date with `path` for anything else, including days that do not exist (2023-02-30).
 */
export function parseScheduleDate(value: unknown, path: string): ScheduleDate {
  if (typeof value !== 'string') fail('invalid_date', path, 'Expected a date such as "2023-09-26".');
  const text = value.trim();
  const iso = ISO_DATE.exec(text) ?? SLASH_DATE.exec(text);
  if (iso) return calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]), value, path);
  const named = DATE_STRING.exec(text);
  if (named) {
    const month = MONTHS.indexOf((named[2] ?? '').toLowerCase()) + 1;
    const date = calendarDate(Number(named[4]), month, Number(named[3]), value, path);
    if (DAYS[weekday(date)] !== (named[1] ?? '').toLowerCase()) invalid(value, path);
    return date;
  }
  const time = ISO_DATETIME.exec(text);
  if (time) {
    const day = calendarDate(Number(time[1]), Number(time[2]), Number(time[3]), value, path);
    const zone = time[7] ?? 'Z';
    const millis = Date.parse(`${day}T${time[4]}:${time[5]}:${time[6] ?? '00'}${zone.toUpperCase()}`);
    if (Number.isNaN(millis)) invalid(value, path);
    return dateOf(new Date(millis));
  }
  return invalid(value, path);
}

/** The UTC calendar day of an instant. */
export function dateOf(instant: Date): ScheduleDate {
  return instant.toISOString().slice(0, 10);
}

/** The day `days` after `date` (before it when negative). */
export function addDays(date: ScheduleDate, days: number): ScheduleDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: ScheduleDate, to: ScheduleDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

/** The start of the next UTC day after `instant`, as epoch milliseconds. */
export function nextMidnight(instant: Date): number {
  return Date.parse(`${addDays(dateOf(instant), 1)}T00:00:00Z`);
}

function calendarDate(year: number, month: number, day: number, raw: unknown, path: string): ScheduleDate {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    invalid(raw, path);
  }
  return date.toISOString().slice(0, 10);
}

function weekday(date: ScheduleDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function invalid(raw: unknown, path: string): never {
  return fail('invalid_date', path, `"${String(raw).slice(0, 64)}" is not a date such as "2023-09-26".`);
}
