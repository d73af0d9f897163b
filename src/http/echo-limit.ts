/**
 * The most characters of a string an error answer echoes back. A client that sends a 3 MB id gets a
 * 400 answer of a few hundred bytes, not its 3 MB again. Ids, organization and product ids and
 * dimension values accept at most 256 characters (src/domain/identifiers.ts), so a valid value is
 * never cut. docs/errors.md documents the limit.
 */
export const ECHO_LIMIT = 256;

/**
 * `value` when it has at most ECHO_LIMIT characters (Unicode code points); otherwise its first
 * ECHO_LIMIT characters followed by `…(N more characters)`.
 */
export function clipEcho(value: string): string {
  if (value.length <= ECHO_LIMIT) return value;
  let kept = '';
  let count = 0;
  for (const character of value) {
    if (count < ECHO_LIMIT) kept += character;
    count++;
  }
  const cut = count - ECHO_LIMIT;
  return cut <= 0 ? value : `${kept}…(${cut} more character${cut === 1 ? '' : 's'})`;
}

/** A copy of `value` (JSON data) in which every string, and every object key, is clipped by clipEcho. */
export function clipEchoes<T>(value: T): T {
  if (typeof value === 'string') return clipEcho(value) as T;
  if (Array.isArray(value)) return value.map((item) => clipEchoes(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [clipEcho(key), clipEchoes(item)]),
  ) as T;
}
