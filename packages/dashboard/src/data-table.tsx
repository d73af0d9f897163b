import { useMemo, useState } from 'preact/hooks';
import { compareValues, csvField, download, isNegative, qtyText } from './format.js';

/** A column: its key in each row, heading, and whether it holds quantities (right-aligned, exact). */
export interface Column {
  readonly key: string;
  readonly label: string;
  readonly numeric?: boolean;
}

export type Row = Readonly<Record<string, unknown>>;

interface Props {
  readonly caption: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  readonly pageSize?: number;
  /** File name of the CSV export; no export button without it. */
  readonly csvName?: string;
  /** Renders a cell's content instead of its text (e.g. a link). */
  readonly cell?: (column: Column, row: Row) => preact.ComponentChild | undefined;
  /** Shown under the table, e.g. a button that loads more rows from the server. */
  readonly more?: preact.ComponentChild;
}

/**
 * A table of exact values: sortable by any column (buttons in the headers, aria-sort), paged, numbers
 * right-aligned with negative values marked, and the current view (sorted, every page) exportable as CSV.
 * Values are rendered as text, never as HTML.
 */
export function DataTable({ caption, columns, rows, pageSize = 50, csvName, cell, more }: Props) {
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(null);
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    return [...rows].sort((a, b) => sort.dir * compareValues(a[sort.key], b[sort.key]));
  }, [rows, sort]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages - 1);
  const visible = sorted.slice(current * pageSize, (current + 1) * pageSize);
  const toggle = (key: string) =>
    setSort((s) => (s?.key === key ? { key, dir: s.dir === 1 ? -1 : 1 } : { key, dir: 1 }));
  const exportCsv = () => {
    const lines = [columns.map((c) => csvField(c.label)).join(',')];
    for (const row of sorted) lines.push(columns.map((c) => csvField(row[c.key])).join(','));
    download(csvName ?? 'onhand.csv', `${lines.join('\r\n')}\r\n`);
  };
  return (
    <div class="table-block">
      <div class="table-tools">
        <span>
          {rows.length} {rows.length === 1 ? 'row' : 'rows'}
        </span>
        {csvName && (
          <button type="button" onClick={exportCsv}>
            Export CSV
          </button>
        )}
      </div>
      <div class="table-scroll">
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th
                  scope="col"
                  key={c.key}
                  class={c.numeric ? 'num' : ''}
                  aria-sort={sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" class="sort" onClick={() => toggle(c.key)}>
                    {c.label}
                    <span aria-hidden="true">
                      {sort?.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.length === 0 && (
              <tr>
                <td colSpan={columns.length}>Nothing to show.</td>
              </tr>
            )}
            {visible.map((row, i) => (
              <tr key={i}>
                {columns.map((c) => {
                  const custom = cell?.(c, row);
                  if (custom !== undefined) return <td key={c.key}>{custom}</td>;
                  const text = qtyText(row[c.key]);
                  const negative = c.numeric && isNegative(text);
                  return (
                    <td key={c.key} class={c.numeric ? (negative ? 'num negative' : 'num') : ''}>
                      {negative && <span class="sr-only">negative </span>}
                      {text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav class="pager" aria-label={`Pages of ${caption}`}>
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span aria-live="polite">
            Page {current + 1} of {pages}
          </span>
          <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </nav>
      )}
      {more}
    </div>
  );
}
