import { fail } from './codes.js';

/** Longest event id, organization id or product id accepted (characters). */
export const MAX_ID_LENGTH = 256;
/** Longest dimension value accepted (characters). */
export const MAX_DIMENSION_VALUE_LENGTH = 256;
/** Longest data source, measure or dimension name accepted (characters). */
export const MAX_NAME_LENGTH = 128;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is rejected
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Length in Unicode characters (code points), so an emoji counts once. Strings far beyond any limit
 * are not walked: their UTF-16 length already says they are too long.
 */
function characters(value: string, limit: number): number {
  if (value.length > limit * 2) return value.length;
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Whether text is well-formed Unicode (no lone surrogates) and free of control characters. */
export function isCleanText(value: string): boolean {
  return value.isWellFormed() && !CONTROL.test(value);
}

/** Text must be well-formed Unicode (no lone surrogates) and free of control characters. */
export function checkText(value: string, path: string): void {
  if (isCleanText(value)) return;
  if (!value.isWellFormed())
    fail('invalid_id', path, 'The text is not well-formed Unicode (a lone surrogate).');
  fail('invalid_id', path, 'Control characters are not allowed.');
}

/**
 * Checks an event, organization or product id: 1 to MAX_ID_LENGTH characters, no control characters,
 * well-formed Unicode. Returns the id unchanged (ids are case-sensitive).
 */
export function checkId(value: string, path: string): string {
  if (value.length === 0) fail('invalid_id', path, 'Must not be empty.');
  if (characters(value, MAX_ID_LENGTH) > MAX_ID_LENGTH)
    fail('value_too_long', path, `At most ${MAX_ID_LENGTH} characters are allowed.`);
  checkText(value, path);
  return value;
}

/** Checks a dimension value: at most MAX_DIMENSION_VALUE_LENGTH characters, no control characters; "" is allowed. */
export function checkDimensionValue(value: string, path: string): string {
  if (characters(value, MAX_DIMENSION_VALUE_LENGTH) > MAX_DIMENSION_VALUE_LENGTH) {
    fail('value_too_long', path, `At most ${MAX_DIMENSION_VALUE_LENGTH} characters are allowed.`);
  }
  checkText(value, path);
  return value;
}

/** Checks a name (data source, measure, dimension key) and returns it lower-cased. */
export function checkName(value: string, path: string): string {
  if (value.length === 0) fail('invalid_id', path, 'Names must not be empty.');
  if (characters(value, MAX_NAME_LENGTH) > MAX_NAME_LENGTH)
    fail('value_too_long', path, `At most ${MAX_NAME_LENGTH} characters are allowed.`);
  checkText(value, path);
  return value.toLowerCase();
}

const ENVIRONMENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Environment ids are 1-64 of [A-Za-z0-9._-], compared case-insensitively (stored lower-case). */
export function normalizeEnvironmentId(value: string): string | undefined {
  return ENVIRONMENT_ID.test(value) ? value.toLowerCase() : undefined;
}
