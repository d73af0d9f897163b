import type Database from 'better-sqlite3';
import { toJson } from '../ledger-codec.js';
import type {
  ClientRecord,
  EnvironmentRecord,
  LedgerRecord,
  ReservationRecord,
  ScheduleCursor,
  ScheduleRow,
  ScheduleScope,
  StockCursor,
  StockRow,
  StockSelector,
  Store,
  StoreTx,
} from '../store.js';
import { insertClient, updateClient } from './client-rows.js';
import { openConnections, type SqliteStoreOptions } from './connections.js';
import { FedAtClock } from './fed-at-clock.js';
import type { DueReservation } from './reservation-mapping.js';
import { applyMigrations } from './schema.js';
import { SerialQueue } from './serial-queue.js';
import { type SqliteSideDeps, sideStores } from './side-deps.js';

type SideStores = ReturnType<typeof sideStores>;

import { SqliteFeed } from './sqlite-feed.js';
import { SqliteReader } from './sqlite-reader.js';
import { SqliteTx } from './sqlite-tx.js';
import { prepareWriter, type WriterStatements } from './statements.js';
import { deleteOrphanedData } from './transfer-statements.js';

export type { SqliteStoreOptions } from './connections.js';

/**
 * The embedded backend: one SQLite file in WAL mode with `synchronous = FULL`, so a resolved
 * transaction is on disk.
 *
 * Two connections: the writer runs transactions and every write, one at a time through an in-process
 * queue; the reader serves all reads outside transactions, so a read never sees the uncommitted writes
 * of a transaction in progress (WAL lets it read the last committed state without blocking).
 *
 * Lock keys are not needed here: the queue already runs one transaction at a time, which serialises
 * every key within this process. Another process writing the same file (the `onhand clients` and
 * `onhand environments` commands, for a short moment) is serialised by SQLite itself (BEGIN IMMEDIATE
 * waits up to the busy timeout). Running two servers on one SQLite file is not supported: use the
 * PostgreSQL backend for several servers.
 *
 * Do not call `transaction` (or another write method) from inside a transaction's `fn`: it would wait
 * behind the transaction that is waiting for it.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly feed: SqliteFeed;
  readonly webhooks: SideStores['webhooks'];
  readonly products: SideStores['products'];
  readonly jobs: SideStores['jobs'];
  readonly adjustments: SideStores['adjustments'];
  readonly oci: SideStores['oci'];
  readonly ociImports: SideStores['ociImports'];
  readonly ledgerFormat: SideStores['ledgerFormat'];
  readonly #writer: Database.Database;
  readonly #reader: SqliteReader;
  readonly #queue = new SerialQueue();
  readonly #clock: () => Date;
  #writerSql: WriterStatements | undefined;
  readonly #fedAt: FedAtClock;
  #closed = false;

  private constructor(writer: Database.Database, reader: Database.Database, options: SqliteStoreOptions) {
    this.#writer = writer;
    this.#reader = new SqliteReader(reader);
    this.#clock = options.clock ?? (() => new Date());
    this.#fedAt = new FedAtClock(writer, this.#clock);
    this.feed = new SqliteFeed({
      file: options.file,
      reader: this.#reader,
      readerDb: reader,
      write: (task) => this.#queue.run(() => task(this.#writer)),
      clock: this.#clock,
    });
    const side: SqliteSideDeps = {
      reader: () => {
        this.assertOpen();
        return reader;
      },
      write: (task) => {
        this.assertOpen();
        return this.#queue.run(() => task(this.#writer));
      },
    };
    ({
      webhooks: this.webhooks,
      products: this.products,
      jobs: this.jobs,
      adjustments: this.adjustments,
      oci: this.oci,
      ociImports: this.ociImports,
      ledgerFormat: this.ledgerFormat,
    } = sideStores(side));
  }

  /** Opens (creating when missing) the database file. Call `migrate()` before use. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const { writer, reader } = openConnections(options);
    return new SqliteStore(writer, reader, options);
  }

  async migrate(): Promise<void> {
    this.assertOpen();
    await this.#queue.run(() => applyMigrations(this.#writer));
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.#reader.ping();
  }

  /** Waits for queued writes, then closes both connections. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.feed.stop();
    await this.#queue.run(() => {
      this.#reader.close();
      this.#writer.close();
    });
  }

  /** See the class comment: `lockKeys` are ignored, every transaction is serialised in-process. */
  async transaction<T>(_lockKeys: readonly string[], fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.#queue.run(async () => {
      const sql = this.writerSql();
      sql.begin.run();
      const tx = new SqliteTx(sql, () => this.#fedAt.next(), this.#writer);
      let result: T;
      try {
        result = await fn(tx);
        tx.end();
        sql.commit.run();
      } catch (error) {
        tx.end();
        this.rollback(sql);
        throw error;
      }
      if (tx.commitMark() !== null) this.feed.committed(tx.appended(), tx.appendedEntries());
      return result;
    });
  }

  async getEnvironment(environmentId: string): Promise<EnvironmentRecord | undefined> {
    return this.reads().getEnvironment(environmentId);
  }

  async listEnvironments(): Promise<EnvironmentRecord[]> {
    return this.reads().listEnvironments();
  }

  async saveEnvironment(record: EnvironmentRecord, expectedVersion?: number): Promise<boolean> {
    const { environmentId: id, version, createdAt, updatedAt } = record;
    const config = toJson(record.configuration);
    return this.write((sql) =>
      expectedVersion === undefined
        ? sql.insertEnvironment.run(id, config, version, createdAt, updatedAt).changes === 1
        : sql.replaceEnvironment.run(config, version, updatedAt, id, expectedVersion).changes === 1,
    );
  }

  async readStock(environmentId: string, selector: StockSelector): Promise<StockRow[]> {
    return this.reads().readStock(environmentId, selector);
  }

  async exportStock(environmentId: string, after: StockCursor | null, limit: number): Promise<StockRow[]> {
    return this.reads().exportStock(environmentId, after, limit);
  }

  async readSchedule(env: string, selector: StockSelector, fromDate: string | null): Promise<ScheduleRow[]> {
    return this.reads().readSchedule(env, selector, fromDate);
  }

  async listScheduleScopes(env: string, beforeDate: string, limit: number): Promise<ScheduleScope[]> {
    return this.reads().listScheduleScopes(env, beforeDate, limit);
  }

  async exportSchedule(env: string, after: ScheduleCursor | null, limit: number): Promise<ScheduleRow[]> {
    return this.reads().exportSchedule(env, after, limit);
  }

  async hasStock(environmentId: string): Promise<boolean> {
    return this.reads().hasStock(environmentId);
  }

  async hasStockWithDimension(
    environmentId: string,
    dataSource: string,
    measure: string,
    dimension: string,
  ): Promise<boolean> {
    return this.reads().hasStockWithDimension(environmentId, dataSource, measure, dimension);
  }

  async listPartitionIds(environmentId: string): Promise<string[]> {
    return this.reads().listPartitionIds(environmentId);
  }

  async readLedger(environmentId: string, afterSeq: number, limit: number): Promise<LedgerRecord[]> {
    return this.reads().readLedger(environmentId, afterSeq, limit);
  }

  async readLedgerByReference(env: string, reference: string, limit: number): Promise<LedgerRecord[]> {
    return this.reads().readLedgerByReference(env, reference, limit);
  }

  async getReservation(environmentId: string, reservationId: string): Promise<ReservationRecord | undefined> {
    return this.reads().getReservation(environmentId, reservationId);
  }

  async listDueReservations(now: string, limit: number): Promise<DueReservation[]> {
    return this.reads().listDueReservations(now, limit);
  }

  async nextExpiry(): Promise<string | null> {
    return this.reads().nextExpiry();
  }

  async listProductReservations(
    env: string,
    org: string,
    product: string,
    limit: number,
  ): Promise<ReservationRecord[]> {
    return this.reads().listProductReservations(env, org, product, limit);
  }

  async hasOpenReservations(environmentId: string, dataSource: string, measure: string): Promise<boolean> {
    return this.reads().hasOpenReservations(environmentId, dataSource, measure);
  }

  async exportReservations(env: string, afterId: string | null, limit: number): Promise<ReservationRecord[]> {
    return this.reads().exportReservations(env, afterId, limit);
  }

  async deleteOrphanedData(environmentId: string): Promise<boolean> {
    // Forgotten in the writer's queue, before a transaction queued next can commit rows of the same id.
    return this.write(() => {
      const deleted = deleteOrphanedData(this.#writer, environmentId);
      if (deleted) this.feed.forget(environmentId);
      return deleted;
    });
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    return this.reads().getClient(clientId);
  }

  async listClients(): Promise<ClientRecord[]> {
    return this.reads().listClients();
  }

  async createClient(c: ClientRecord): Promise<boolean> {
    return this.write((sql) => insertClient(sql, c));
  }

  async updateClient(c: ClientRecord): Promise<boolean> {
    return this.write((sql) => updateClient(sql, c));
  }

  /** Runs a small autocommit write on the writer, queued behind (never inside) open transactions. */
  private write<T>(task: (sql: WriterStatements) => T): Promise<T> {
    this.assertOpen();
    return this.#queue.run(() => task(this.writerSql()));
  }

  /** Statements are prepared on first use, after migrate() has created the tables. */
  private writerSql(): WriterStatements {
    this.#writerSql ??= prepareWriter(this.#writer);
    return this.#writerSql;
  }

  private reads(): SqliteReader {
    this.assertOpen();
    return this.#reader;
  }

  /** Rolls back unless SQLite already did (it does on some errors); keeps the caller's error. */
  private rollback(sql: WriterStatements): void {
    try {
      if (this.#writer.inTransaction) sql.rollback.run();
    } catch {
      // The original error is what the caller needs; a failed rollback surfaces on the next BEGIN.
    }
  }

  private assertOpen(): void {
    if (this.#closed) throw new Error('The SQLite store is closed.');
  }
}
