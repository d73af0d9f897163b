/**
 * Compares an answer shown in a document with the one the server gave (docs/README.md, "Replayable
 * walkthroughs"). Exact, except that:
 * - the order of object keys does not matter;
 * - `"…"` matches any value; a string ending in `…` matches any string that starts with what precedes
 *   it; an object with a `"…"` key may have more keys than it shows; an array whose last item is `"…"`
 *   may have more items;
 * - a date-time value (`2026-11-23T07:15:00.000Z`) matches any date-time;
 * - a literal declared generated (`<!-- replay: generated … -->`) matches the string the server
 *   generated in its place, the same one every time it appears;
 * - after `<!-- replay: answers dated D -->`, every date (yyyy-mm-dd, in keys and values) is moved by
 *   the days between D and the day of the replay.
 */

export const ELLIPSIS = '…';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/g;

export interface CompareContext {
  /** Generated literals of the document → what the server generated (filled in as they are seen). */
  readonly generated: Map<string, string | undefined>;
  /** Days to add to every date of the shown answer. */
  readonly shiftDays: number;
}

/** The differences between a shown answer and the actual one, as `path: expected … got …` lines. */
export function compareAnswer(shown: unknown, actual: unknown, context: CompareContext): string[] {
  const problems: string[] = [];
  match(shown, actual, '', context, problems);
  return problems;
}

function match(shown: unknown, actual: unknown, path: string, context: CompareContext, out: string[]): void {
  if (typeof shown === 'string') {
    matchString(shiftDates(shown, context.shiftDays), actual, path, context, out);
    return;
  }
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual)) {
      out.push(`${path || '/'}: expected an array, got ${brief(actual)}`);
      return;
    }
    const open = shown.at(-1) === ELLIPSIS;
    const items = open ? shown.slice(0, -1) : shown;
    if (open ? actual.length < items.length : actual.length !== items.length) {
      out.push(
        `${path || '/'}: expected ${open ? 'at least ' : ''}${items.length} items, got ${actual.length}`,
      );
    }
    items.slice(0, actual.length).forEach((item, i) => {
      match(item, actual[i], `${path}/${i}`, context, out);
    });
    return;
  }
  if (shown !== null && typeof shown === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push(`${path || '/'}: expected an object, got ${brief(actual)}`);
      return;
    }
    const expected = new Map(
      Object.entries(shown).map(([key, value]) => [shiftDates(key, context.shiftDays), value] as const),
    );
    const open = expected.delete(ELLIPSIS);
    for (const [key, value] of expected) {
      if (!Object.hasOwn(actual, key)) out.push(`${path}/${key}: missing`);
      else match(value, (actual as Record<string, unknown>)[key], `${path}/${key}`, context, out);
    }
    if (!open) {
      for (const key of Object.keys(actual)) {
        if (!expected.has(key))
          out.push(`${path}/${key}: not shown (${brief((actual as Record<string, unknown>)[key])})`);
      }
    }
    return;
  }
  if (shown !== actual) out.push(`${path || '/'}: expected ${brief(shown)}, got ${brief(actual)}`);
}

function matchString(
  shown: string,
  actual: unknown,
  path: string,
  context: CompareContext,
  out: string[],
): void {
  const where = path || '/';
  if (shown === ELLIPSIS) return;
  if (context.generated.has(shown)) {
    const bound = context.generated.get(shown);
    if (typeof actual !== 'string') out.push(`${where}: expected a generated string, got ${brief(actual)}`);
    else if (bound === undefined) context.generated.set(shown, actual);
    else if (bound !== actual)
      out.push(`${where}: expected ${bound} (generated in place of ${shown}), got ${actual}`);
    return;
  }
  if (typeof actual !== 'string') {
    out.push(`${where}: expected ${brief(shown)}, got ${brief(actual)}`);
    return;
  }
  if (shown.endsWith(ELLIPSIS)) {
    const prefix = shown.slice(0, -ELLIPSIS.length);
    if (!actual.startsWith(prefix))
      out.push(`${where}: expected a string starting "${prefix}", got ${brief(actual)}`);
    return;
  }
  if (DATE_TIME.test(shown) && /T\d{2}:\d{2}:\d{2}/.test(shown)) {
    if (!DATE_TIME.test(actual)) out.push(`${where}: expected a date-time, got ${brief(actual)}`);
    return;
  }
  if (shown !== actual) out.push(`${where}: expected ${brief(shown)}, got ${brief(actual)}`);
}

/** Moves every yyyy-mm-dd in `text` by `days`. */
export function shiftDates(text: string, days: number): string {
  if (days === 0) return text;
  return text.replace(DATE, (date) => {
    const moved = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
    return Number.isNaN(moved.getTime()) ? date : moved.toISOString().slice(0, 10);
  });
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
