import Database from 'better-sqlite3';
import pg from 'pg';
import {
  encodeChanges,
  type OldLedgerRow,
  POSTGRES,
  RAW_TEXT_OIDS,
  SQLITE,
  toJson,
  toLedgerRecord,
} from '../../fixtures/ledger-v1/old-server.js';
import { apply, type OldBody, type OldKind, planOf } from './old-server-plan.js';

export type { OldBody, OldKind } from './old-server-plan.js';

/*
 * A server of the previous release, as far as the ledger and the stock go: it runs that release's
 * statements (test/fixtures/ledger-v1/old-server.ts) on its own connection, and decodes rows as that
 * release did (format 1 only). An on-hand change or count is applied as that release applied it: look
 * the event id up (a retry answers the first outcome), read the touched stock rows, upsert them, append
 * the ledger entry; on PostgreSQL under the advisory lock of its lock key, with the commit recorded for
 * the sequencer and notified.
 */

export interface OldAnswer {
  readonly replayed: boolean;
  readonly outcome: unknown;
}

export interface OldServer {
  write(kind: OldKind, body: OldBody): Promise<OldAnswer>;
  /** The first outcome recorded for an event id of `family` (the retry lookup), undefined if none. */
  firstOutcome(family: string, eventId: string): Promise<unknown>;
  /** The environment's ledger, every row decoded as the old release decodes it. */
  readLedger(): Promise<ReturnType<typeof toLedgerRecord>[]>;
  /** SQLite only: the change feed as the old release read it (position = seq), decoded as it did. */
  readFeed(): Promise<(ReturnType<typeof toLedgerRecord> & { position: number })[]>;
}

/** Opens an old server on `location` (the SQLite file or the PostgreSQL URL); cleanups are pushed. */
export function oldServer(backend: string, env: string, location: string, cleanups: (() => Promise<void>)[]) {
  return backend === 'sqlite'
    ? sqliteServer(env, location, cleanups)
    : postgresServer(env, location, cleanups);
}

function sqliteServer(env: string, file: string, cleanups: (() => Promise<void>)[]): OldServer {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  cleanups.unshift(async () => void db.close());
  const run = (text: string, ...params: unknown[]) => db.prepare(text).run(...params);
  const all = <T>(text: string, ...params: unknown[]) => db.prepare(text).all(...params) as T[];
  const firstOutcome = async (family: string, eventId: string) => {
    const [row] = all<{ outcome: string }>(SQLITE.findEvents, env, family, JSON.stringify([eventId]));
    return row === undefined ? undefined : (JSON.parse(row.outcome) as unknown);
  };
  return {
    firstOutcome,
    async write(kind, body) {
      const plan = planOf(env, kind, body);
      run(SQLITE.begin);
      try {
        const [found] = all<{ outcome: string }>(
          SQLITE.findEvents,
          env,
          plan.family,
          JSON.stringify([body.id]),
        );
        if (found) return { replayed: true, outcome: JSON.parse(found.outcome) as unknown };
        const before = new Map<string, bigint>();
        for (const v of plan.values)
          for (const r of all<{ quantity: number | bigint }>(
            SQLITE.readRow,
            env,
            body.organizationId,
            body.productId,
            plan.dims,
            v.dataSource,
            v.measure,
          ))
            before.set(`${v.dataSource}|${v.measure}`, BigInt(r.quantity));
        const { rows, changes } = apply(plan, before);
        for (const r of rows)
          run(
            SQLITE.upsertRow,
            env,
            plan.partitionId,
            body.organizationId,
            body.productId,
            plan.dims,
            plan.dimensions.siteid ?? null,
            plan.dimensions.locationid ?? null,
            r.dataSource,
            r.measure,
            r.quantity,
            plan.countedAt,
          );
        const e = plan.entry;
        run(
          SQLITE.insertLedger,
          e.environmentId,
          e.partitionId,
          e.family,
          e.eventId,
          e.bodyHash,
          e.kind,
          e.recordedAt,
          toJson(e.request),
          toJson(e.outcome),
          encodeChanges(changes),
          e.reference,
          e.clientId,
          new Date().toISOString(),
        );
        run(SQLITE.commit);
        return { replayed: false, outcome: e.outcome };
      } finally {
        if (db.inTransaction) run(SQLITE.rollback);
      }
    },
    async readLedger() {
      return all<OldLedgerRow>(SQLITE.readLedger, env, 0, 100_000).map(toLedgerRecord);
    },
    async readFeed() {
      return all<OldLedgerRow & { position: number }>(SQLITE.feedRead, env, 0, 100_000).map((r) => ({
        ...toLedgerRecord(r),
        position: Number(r.position),
      }));
    },
  };
}

function postgresServer(env: string, url: string, cleanups: (() => Promise<void>)[]): OldServer {
  const raw = (value: string) => value;
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      (RAW_TEXT_OIDS as readonly number[]).includes(oid)
        ? raw
        : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
  const pool = new pg.Pool({ connectionString: url, max: 4, types });
  pool.on('error', () => {});
  cleanups.unshift(() => pool.end());
  const firstOutcome = async (family: string, eventId: string) => {
    const [row] = (await pool.query<{ outcome: string }>(POSTGRES.findEvents, [env, family, [eventId]])).rows;
    return row === undefined ? undefined : (JSON.parse(row.outcome) as unknown);
  };
  return {
    firstOutcome,
    async write(kind, body) {
      const plan = planOf(env, kind, body);
      const client = await pool.connect();
      try {
        await client.query(POSTGRES.begin([plan.lockKey], (v) => client.escapeLiteral(v)));
        const q = <T extends pg.QueryResultRow>(text: string, params: unknown[]) =>
          client.query<T>(text, params).then((r) => r.rows);
        const [found] = await q<{ outcome: string }>(POSTGRES.findEvents, [env, plan.family, [body.id]]);
        if (found) {
          await client.query('ROLLBACK');
          return { replayed: true, outcome: JSON.parse(found.outcome) as unknown };
        }
        const read = await q<{ data_source: string; measure: string; quantity: string }>(POSTGRES.readRows, [
          env,
          ...[0, 1, 2, 3, 4].map((i) =>
            plan.values.map(
              (v) => [body.organizationId, body.productId, plan.dims, v.dataSource, v.measure][i] as string,
            ),
          ),
        ]);
        const before = new Map(read.map((r) => [`${r.data_source}|${r.measure}`, BigInt(r.quantity)]));
        const { rows, changes } = apply(plan, before);
        const column = (f: (r: (typeof rows)[number]) => string | null) => rows.map(f);
        await q(POSTGRES.upsertRows, [
          env,
          column(() => plan.partitionId),
          column(() => body.organizationId),
          column(() => body.productId),
          column(() => plan.dims),
          column(() => plan.dimensions.siteid ?? null),
          column(() => plan.dimensions.locationid ?? null),
          column((r) => r.dataSource),
          column((r) => r.measure),
          column((r) => r.quantity.toString()),
          column(() => plan.countedAt),
        ]);
        const e = plan.entry;
        const entry = [e.environmentId, e.partitionId, e.family, e.eventId, e.bodyHash, e.kind, e.recordedAt];
        await q(POSTGRES.appendLedger, [
          ...entry.map((v) => [v]),
          [toJson(e.request)],
          [toJson(e.outcome)],
          [encodeChanges(changes)],
          [e.reference],
          [e.clientId],
          null,
        ]);
        await client.query('COMMIT');
        await client.query(POSTGRES.commitNotify);
        return { replayed: false, outcome: e.outcome };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async readLedger() {
      return (await pool.query<OldLedgerRow>(POSTGRES.readLedger, [env, 0, 100_000])).rows.map(
        toLedgerRecord,
      );
    },
    async readFeed() {
      throw new Error('the old PostgreSQL feed read is not part of the fixture');
    },
  };
}
