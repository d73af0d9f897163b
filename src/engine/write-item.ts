/** A write request item and the JSON pointer of the item in its request ("" or "/3"). */
export interface WriteItem<T> {
  readonly input: T;
  readonly path: string;
  /** The client whose request it is (recorded in the ledger entry); absent for the service's own work. */
  readonly clientId?: string | null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ids with control characters are never stored
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * An event id that may have been recorded, so worth looking up: a non-empty, well-formed string of
 * sane length without control characters (ids with those are always refused, and PostgreSQL text
 * cannot even hold a NUL).
 */
export function isUsableId(id: unknown): id is string {
  return (
    typeof id === 'string' && id.length > 0 && id.length <= 1024 && id.isWellFormed() && !CONTROL.test(id)
  );
}
