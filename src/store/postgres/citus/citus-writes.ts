import type pg from 'pg';

/*
 * Writes on Citus as multi-row INSERT … VALUES. Citus runs `INSERT … SELECT FROM unnest(…)` (what the
 * plain backend uses) through the coordinator: it copies the rows to the worker as an intermediate
 * result, and a transaction that did that always ends in a two-phase commit, even on one worker. A
 * VALUES insert is routed to the shard of each row: a transaction whose rows are all in one partition
 * stays on one worker and commits with a plain COMMIT.
 */

/** Rows per statement (PostgreSQL takes at most 65535 parameters; a ledger row has 14). */
const CHUNK = 1000;

/**
 * Runs `prefix VALUES (…), … suffix` for the rows given as column arrays (column-major, as the
 * mapping files build them). `shared` parameters come first ($1 …) and start every row; the column
 * values follow, cast to `types`. Chunked: a batch of any size is one statement per CHUNK rows.
 */
export async function insertValues(
  client: Pick<pg.PoolClient, 'query'>,
  statement: { readonly prefix: string; readonly suffix: string; readonly types: readonly string[] },
  shared: readonly unknown[],
  columns: readonly (readonly unknown[])[],
): Promise<void> {
  const count = columns[0]?.length ?? 0;
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const values: unknown[] = [...shared];
    const tuples: string[] = [];
    for (let row = start; row < end; row++) {
      const refs = shared.map((_, i) => `$${i + 1}`);
      for (const [i, type] of statement.types.entries()) {
        values.push(columns[i]?.[row]);
        refs.push(`$${values.length}::${type}`);
      }
      tuples.push(`(${refs.join(', ')})`);
    }
    await client.query(`${statement.prefix} VALUES ${tuples.join(', ')} ${statement.suffix}`, values);
  }
}

const STOCK_KEY = 'environment_id, partition_id, organization_id, product_id, dims, data_source, measure';

/** ($1 env; rows: row-mapping.stockColumns). */
export const STOCK_UPSERT = {
  prefix: `INSERT INTO stock (environment_id, partition_id, organization_id, product_id, dims, site_id, location_id,
    data_source, measure, quantity, counted_at)`,
  suffix: `ON CONFLICT (${STOCK_KEY}) DO UPDATE SET quantity = excluded.quantity, counted_at = excluded.counted_at`,
  types: ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'text'],
};

/** ($1 env; rows: record-mapping.reservationColumns). The conflict target is the primary key. */
export const RESERVATION_UPSERT = {
  prefix: `INSERT INTO reservations (environment_id, partition_id, reservation_id, organization_id, product_id, dims,
    data_source, measure, quantity, remaining, expires_at, status, event_id, created_at, updated_at)`,
  suffix: `ON CONFLICT (environment_id, partition_id, reservation_id) DO UPDATE SET
    organization_id = excluded.organization_id, product_id = excluded.product_id, dims = excluded.dims,
    data_source = excluded.data_source, measure = excluded.measure, quantity = excluded.quantity,
    remaining = excluded.remaining, expires_at = excluded.expires_at, status = excluded.status,
    event_id = excluded.event_id, created_at = excluded.created_at, updated_at = excluded.updated_at`,
  types: [...Array(7).fill('text'), 'bigint', 'bigint', ...Array(5).fill('text')],
};

/** ($1 env; rows: schedule-mapping.scheduleColumns, quantity ≠ 0). */
export const SCHEDULE_UPSERT = {
  prefix: `INSERT INTO schedule (environment_id, partition_id, organization_id, product_id, dims, site_id,
    location_id, data_source, measure, schedule_date, quantity)`,
  suffix: `ON CONFLICT (${STOCK_KEY}, schedule_date) DO UPDATE SET quantity = excluded.quantity`,
  types: [...Array(9).fill('text'), 'bigint'],
};

/** ($1 env, $2…$8 partition, organization, product, dims, data source, measure and date arrays). */
export const SCHEDULE_DELETE = `DELETE FROM schedule s
  USING unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    AS u(partition_id, organization_id, product_id, dims, data_source, measure, schedule_date)
  WHERE s.environment_id = $1 AND s.partition_id = ANY($2::text[]) AND s.partition_id = u.partition_id
    AND s.organization_id = u.organization_id AND s.product_id = u.product_id AND s.dims = u.dims
    AND s.data_source = u.data_source AND s.measure = u.measure AND s.schedule_date = u.schedule_date`;

/** (shared: none; rows: $ seq, then row-mapping.ledgerColumns, then the commit id). */
export const LEDGER_INSERT = {
  prefix: `INSERT INTO ledger (seq, environment_id, partition_id, family, event_id, body_hash, kind, recorded_at,
    request, outcome, changes, reference, client_id, format, commit_id)`,
  suffix: '',
  types: ['bigint', ...Array(7).fill('text'), 'json', 'json', 'json', 'text', 'text', 'smallint', 'bigint'],
};

/** One feed_commits row per (environment, partition) of a transaction, widened when it appends again. */
export const COMMITS_UPSERT = {
  prefix: 'INSERT INTO feed_commits (environment_id, partition_id, commit_id, first_seq, last_seq, entries)',
  suffix: `ON CONFLICT (environment_id, partition_id, commit_id) DO UPDATE SET
    first_seq = least(feed_commits.first_seq, excluded.first_seq),
    last_seq = greatest(feed_commits.last_seq, excluded.last_seq),
    entries = feed_commits.entries + excluded.entries`,
  types: ['text', 'text', 'bigint', 'bigint', 'bigint', 'int'],
};
