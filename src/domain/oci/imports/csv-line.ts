import { type ImportLine, readImportRecord } from './import-line.js';

/**
 * CSV availability files (Connect uploads, v63.0+; docs/oci.md "CSV uploads"). The specification gives
 * no CSV layout; Onhand's: a header row naming columns after the NDJSON record's fields, then one row
 * per record (the per-line layout: every row names its location).
 *
 * - Columns (any order, names case-insensitive): `recordId`, `sku`, `locationId` (or `location`) are
 *   required; `onHand`, `safetyStockCount`, `effectiveDate` optional; futures as column pairs
 *   `futureQuantity` + `futureExpectedDate`, further pairs numbered (`futureQuantity2` +
 *   `futureExpectedDate2`, …).
 * - Cells: RFC 4180 quoting within one line (`"a,b"`, `""` for a quote); a quoted line break is not
 *   read (the row is refused). An empty cell deletes the field (as the Connect upload page says of an
 *   empty field): onHand or safety stock 0, no effective date; a row whose future pairs are all empty
 *   deletes its futures.
 */

/**
 * The stable codes of refused CSV rows (in the result file's `errorCode`; docs/errors.md). A header row
 * that cannot be read fails the whole import instead, its reason in the import's status message.
 */
export const CSV_ERROR_CODES = {
  /** A row's quoting is broken (an unclosed quote, text after a closing quote). */
  malformed: 'CsvRowMalformed',
  /** A row has more or fewer cells than the header. */
  cells: 'CsvColumnCount',
  /** A cell's value is not what its column takes (the message says which and why). */
  value: 'InvalidRequestParameter',
} as const;

const FIELDS: Record<string, string> = {
  recordid: 'recordId',
  sku: 'sku',
  locationid: 'locationId',
  location: 'locationId',
  onhand: 'onHand',
  safetystockcount: 'safetyStockCount',
  effectivedate: 'effectiveDate',
};
const NUMERIC = new Set(['onHand', 'safetyStockCount']);
const FUTURE = /^future(quantity|expecteddate)(\d*)$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** What each column of a CSV file holds. */
export interface CsvColumns {
  readonly cells: readonly ({ field: string } | { future: string; part: 'quantity' | 'expectedDate' })[];
  readonly futures: readonly string[];
}

/** Reads the header row: its columns, or why the file cannot be read (the import fails with it). */
export function readCsvHeader(text: string): CsvColumns | { error: string } {
  const cells = splitCsv(text.replace(/^\uFEFF/, ''));
  if (typeof cells === 'string') return { error: `The header row: ${cells}` };
  const seen = new Set<string>();
  const out: CsvColumns['cells'][number][] = [];
  const futures = new Map<string, Set<string>>();
  for (const raw of cells) {
    const name = raw.trim().toLowerCase();
    const future = FUTURE.exec(name);
    const field = FIELDS[name];
    const key = future ? `future:${future[1]}:${future[2]}` : field;
    if (key === undefined) return { error: `'${raw}' is not a column of an availability file.` };
    if (seen.has(key)) return { error: `The column '${raw}' is named twice.` };
    seen.add(key);
    if (future) {
      const n = future[2] || '1';
      const part = future[1] === 'quantity' ? 'quantity' : 'expectedDate';
      futures.set(n, (futures.get(n) ?? new Set()).add(part));
      out.push({ future: n, part });
    } else out.push({ field: field as string });
  }
  for (const required of ['recordId', 'sku', 'locationId'])
    if (!seen.has(required)) return { error: `The header row lacks the column '${required}'.` };
  for (const [n, parts] of futures)
    if (parts.size !== 2)
      return {
        error: `The future columns ${n === '1' ? '' : n} come in pairs: futureQuantity and futureExpectedDate.`,
      };
  return { cells: out, futures: [...futures.keys()] };
}

/** One CSV row as an import line: the record, or a refusal with its stable `code` (CSV_ERROR_CODES). */
export function readCsvRow(
  text: string,
  columns: CsvColumns,
  now: Date,
): ImportLine | (ImportLine & { kind: 'error'; code: string }) {
  if (text.trim() === '') return { kind: 'blank' };
  const cells = splitCsv(text);
  if (typeof cells === 'string') return { kind: 'error', message: cells, code: CSV_ERROR_CODES.malformed };
  if (cells.length !== columns.cells.length)
    return {
      kind: 'error',
      message: `The row has ${cells.length} cells; the header names ${columns.cells.length} columns.`,
      code: CSV_ERROR_CODES.cells,
    };
  const record: Record<string, unknown> = {};
  const futures = new Map<string, { quantity?: unknown; expectedDate?: unknown }>();
  for (const [i, column] of columns.cells.entries()) {
    const cell = cells[i] ?? '';
    if ('field' in column) {
      const required = column.field === 'recordId' || column.field === 'sku' || column.field === 'locationId';
      // A required cell left empty stays '' (refused with the field's own message).
      record[column.field] =
        cell === '' ? (required ? '' : null) : NUMERIC.has(column.field) ? numberOf(cell) : cell;
    } else if (cell !== '') {
      const pair = futures.get(column.future) ?? {};
      pair[column.part] = column.part === 'quantity' ? numberOf(cell) : cell;
      futures.set(column.future, pair);
    }
  }
  if (columns.futures.length > 0) record.futures = futures.size === 0 ? null : [...futures.values()];
  const line = readImportRecord(record, undefined, now);
  return line.kind === 'error' ? { ...line, code: CSV_ERROR_CODES.value } : line;
}

/** A cell that reads as a number becomes one; any other text stays text (and is refused as a quantity). */
function numberOf(cell: string): unknown {
  const trimmed = cell.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : cell;
}

/** The cells of one CSV line (RFC 4180 quoting), or why it cannot be read. */
export function splitCsv(text: string): string[] | string {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) return 'A quoted cell is not closed on its line.';
        cell += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          cell += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      cells.push(cell);
      if (i === text.length) return cells;
      if (text[i] !== ',') return 'Text follows a closing quote; quote the whole cell.';
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      const cell = text.slice(i, end);
      if (cell.includes('"')) return 'A quote inside an unquoted cell; quote the whole cell.';
      cells.push(cell);
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}
