import {
  CONVERT_BEFORE_SWITCH,
  type ConvertStep,
  convertRow,
  type FormatOneRow,
  type LedgerFormatState,
  type LedgerFormatStore,
} from '../../ledger-format/ledger-format-store.js';
import type { SqliteSideDeps } from '../side-deps.js';

interface StateRow {
  readonly write_format: bigint | number;
  readonly switched_at: string | null;
  readonly converted_through: bigint | number;
  readonly converted: bigint | number;
}

const STATE =
  'SELECT write_format, switched_at, converted_through, converted FROM ledger_format WHERE id = 1';
const NEXT = `SELECT seq, event_id, request, outcome, changes FROM ledger
  WHERE seq > ? AND format IS NULL ORDER BY seq LIMIT ?`;
const LAST_SEQ = 'SELECT coalesce(max(seq), 0) AS seq FROM ledger';

/** LedgerFormatStore on SQLite: every step one transaction on the writer connection. */
export class SqliteLedgerFormat implements LedgerFormatStore {
  readonly switchWindowMs = 0;

  constructor(private readonly side: SqliteSideDeps) {}

  async state(): Promise<LedgerFormatState> {
    return toState(this.side.reader().prepare<[], StateRow>(STATE).get());
  }

  async writeNewest(at: string): Promise<void> {
    await this.side.write((db) => {
      db.prepare(
        'UPDATE ledger_format SET write_format = 2, switched_at = ? WHERE id = 1 AND write_format < 2',
      ).run(at);
    });
  }

  async convert(limit: number): Promise<ConvertStep> {
    return this.side.write((db) =>
      db
        .transaction((): ConvertStep => {
          const state = toState(db.prepare<[], StateRow>(STATE).get());
          if (state.writeFormat < 2) throw new Error(CONVERT_BEFORE_SWITCH);
          const rows = db.prepare<[number, number], FormatOneRow>(NEXT).all(state.convertedThrough, limit);
          const update = db.prepare(
            'UPDATE ledger SET outcome = ?, changes = ?, format = ? WHERE seq = ? AND format IS NULL',
          );
          for (const row of rows) {
            const texts = convertRow(row);
            update.run(texts.outcome, texts.changes, texts.format, row.seq);
          }
          let through = rows.length > 0 ? Number(rows[rows.length - 1]?.seq) : state.convertedThrough;
          let finished = false;
          if (rows.length < limit) {
            const left = db.prepare('SELECT 1 FROM ledger WHERE format IS NULL LIMIT 1').get();
            finished = left === undefined;
            through = finished ? Number(db.prepare<[], { seq: bigint }>(LAST_SEQ).get()?.seq ?? 0) : 0;
          }
          db.prepare(
            'UPDATE ledger_format SET converted_through = ?, converted = converted + ? WHERE id = 1',
          ).run(through, rows.length);
          return { converted: rows.length, through, finished };
        })
        .immediate(),
    );
  }
}

function toState(row: StateRow | undefined): LedgerFormatState {
  if (!row) throw new Error('The ledger_format table is empty: run onhand migrate.');
  return {
    writeFormat: Number(row.write_format) >= 2 ? 2 : 1,
    switchedAt: row.switched_at,
    convertedThrough: Number(row.converted_through),
    converted: Number(row.converted),
  };
}
