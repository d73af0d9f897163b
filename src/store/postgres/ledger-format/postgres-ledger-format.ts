import type pg from 'pg';
import {
  CONVERT_BEFORE_SWITCH,
  type ConvertStep,
  convertRow,
  type FormatOneRow,
  type LedgerFormatState,
  type LedgerFormatStore,
  SWITCH_WINDOW_MS,
  WRITE_FORMAT_TTL_MS,
} from '../../ledger-format/ledger-format-store.js';

interface StateRow {
  readonly write_format: number;
  readonly converted_environment: string;
  readonly switched_at: string | null;
  readonly converted_through: string;
  readonly converted: string;
}

const STATE = `SELECT write_format, switched_at, converted_environment, converted_through, converted
  FROM ledger_format WHERE id = 1`;
/** (environment, seq, limit): in key order after the mark (the primary key's order, so an index scan). */
const NEXT = `SELECT seq, environment_id, partition_id, event_id, request, outcome, changes FROM ledger
  WHERE (environment_id, seq) > ($1, $2) AND format IS NULL ORDER BY environment_id, seq LIMIT $3`;
/** (envs, partitions, seqs, outcomes, changes, formats): one statement per step on plain PostgreSQL. */
const UPDATE = `UPDATE ledger l SET outcome = u.outcome::json, changes = u.changes::json, format = u.format
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::smallint[])
    AS u(environment_id, partition_id, seq, outcome, changes, format)
  WHERE l.environment_id = u.environment_id AND l.seq = u.seq AND l.format IS NULL`;
/** The same for one row, routed to its partition's shard on Citus. */
const UPDATE_ONE = `UPDATE ledger SET outcome = $4::json, changes = $5::json, format = $6
  WHERE environment_id = $1 AND partition_id = $2 AND seq = $3 AND format IS NULL`;

/** A format-1 row with the columns that place it. */
interface PlacedRow extends FormatOneRow {
  readonly environment_id: string;
  readonly partition_id: string;
}

/**
 * LedgerFormatStore on PostgreSQL (and Citus, where `distributed()` says so: each converted row is
 * updated by a statement routed to its own shard, so no step spans shards in one statement).
 */
export class PostgresLedgerFormat implements LedgerFormatStore {
  readonly switchWindowMs = SWITCH_WINDOW_MS;

  constructor(
    private readonly pool: () => pg.Pool,
    private readonly distributed: () => boolean,
  ) {}

  async state(): Promise<LedgerFormatState> {
    return toState((await this.pool().query<StateRow>(STATE)).rows[0]);
  }

  async writeNewest(at: string): Promise<void> {
    await this.pool().query(
      'UPDATE ledger_format SET write_format = 2, switched_at = $1 WHERE id = 1 AND write_format < 2',
      [at],
    );
  }

  async convert(limit: number): Promise<ConvertStep> {
    const client = await this.pool().connect();
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      const stateRow = (await client.query<StateRow>(`${STATE} FOR UPDATE`)).rows[0];
      const state = toState(stateRow);
      if (state.writeFormat < 2) throw new Error(CONVERT_BEFORE_SWITCH);
      let environment = stateRow?.converted_environment ?? '';
      const mark = [environment, state.convertedThrough, limit];
      const rows = (await client.query<PlacedRow>(NEXT, mark)).rows;
      const texts = rows.map(convertRow);
      if (this.distributed()) {
        for (const [i, r] of rows.entries()) {
          const t = texts[i];
          if (t)
            await client.query(UPDATE_ONE, [
              r.environment_id,
              r.partition_id,
              r.seq,
              t.outcome,
              t.changes,
              t.format,
            ]);
        }
      } else if (rows.length > 0) {
        await client.query(UPDATE, [
          rows.map((r) => r.environment_id),
          rows.map((r) => r.partition_id),
          rows.map((r) => String(r.seq)),
          texts.map((t) => t.outcome),
          texts.map((t) => t.changes),
          texts.map((t) => t.format),
        ]);
      }
      const last = rows[rows.length - 1];
      let through = last ? Number(last.seq) : state.convertedThrough;
      if (last) environment = last.environment_id;
      let finished = false;
      if (rows.length < limit) {
        // A format-1 entry behind the mark was committed late (its transaction drew its seq before the
        // mark passed it): start again from the beginning.
        const left = await client.query('SELECT 1 FROM ledger WHERE format IS NULL LIMIT 1');
        finished = left.rowCount === 0;
        if (!finished) [environment, through] = ['', 0];
      }
      await client.query(
        `UPDATE ledger_format SET converted_environment = $1, converted_through = $2, converted = converted + $3
          WHERE id = 1`,
        [environment, through, rows.length],
      );
      await client.query('COMMIT');
      return { converted: rows.length, through, finished };
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release(failure);
    }
  }
}

/**
 * The write format a server uses, read again at most every WRITE_FORMAT_TTL_MS (inside the transaction
 * that appends, on its connection), so a switch reaches every server within that time.
 */
export class WriteFormatCache {
  #format: 1 | 2 | undefined;
  #readAt = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  async get(client: Pick<pg.PoolClient, 'query'>): Promise<1 | 2> {
    if (this.#format !== undefined && this.now() - this.#readAt < WRITE_FORMAT_TTL_MS) return this.#format;
    const row = (
      await client.query<{ write_format: number }>('SELECT write_format FROM ledger_format WHERE id = 1')
    ).rows[0];
    this.#format = (row?.write_format ?? 1) >= 2 ? 2 : 1;
    this.#readAt = this.now();
    return this.#format;
  }
}

function toState(row: StateRow | undefined): LedgerFormatState {
  if (!row) throw new Error('The ledger_format table is empty: run onhand migrate.');
  return {
    writeFormat: row.write_format >= 2 ? 2 : 1,
    switchedAt: row.switched_at,
    convertedThrough: Number(row.converted_through),
    converted: Number(row.converted),
  };
}
