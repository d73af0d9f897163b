import { APPEND_LEDGER, APPEND_LEDGER_JOINED } from './statements.js';

/*
 * The JSON columns of a ledger append (request, outcome, changes: a few hundred bytes per entry, full of
 * quotes) bound as one text each instead of one text array: the entries' texts joined by U+001F, which
 * APPEND_LEDGER_JOINED splits again with string_to_array. As an array literal every quote of every text
 * had to be escaped by the driver (two regular-expression passes over each text, then the whole literal
 * measured and copied again) and unescaped by PostgreSQL's array parser; joined, neither happens. The
 * rows written are the same: a text the `json` type accepts holds no raw control character (JSON
 * escapes them inside strings and allows none outside), so U+001F never occurs in one and the split
 * gives back exactly the texts joined. A column with a text that is not such a JSON text (empty, NULL,
 * or holding U+001F) keeps the array form for the whole append, so that it fails as it always did.
 */

const SEPARATOR = '\u001f';

/** The texts joined by U+001F, or undefined when one of them could not be split back out. */
export function joinedTexts(texts: readonly (string | null | undefined)[]): string | undefined {
  for (const text of texts) {
    if (typeof text !== 'string' || text === '' || text.includes(SEPARATOR)) return undefined;
  }
  return texts.join(SEPARATOR);
}

/** Where ledgerColumns puts request, outcome and changes ($8, $9, $10). */
const JSON_COLUMNS = [7, 8, 9] as const;

/**
 * The statement and parameters that append ledgerColumns' `columns` under `commitId` (APPEND_LEDGER's
 * $14): APPEND_LEDGER_JOINED when the JSON columns can be joined, APPEND_LEDGER otherwise.
 */
export function ledgerAppend(
  columns: readonly (readonly (string | null)[])[],
  commitId: string | null,
): { readonly text: string; readonly values: unknown[] } {
  const values: unknown[] = [...columns, commitId];
  if ((columns[0]?.length ?? 0) === 0) return { text: APPEND_LEDGER, values };
  for (const at of JSON_COLUMNS) {
    const joined = joinedTexts(columns[at] ?? []);
    if (joined === undefined) return { text: APPEND_LEDGER, values: [...columns, commitId] };
    values[at] = joined;
  }
  return { text: APPEND_LEDGER_JOINED, values };
}
