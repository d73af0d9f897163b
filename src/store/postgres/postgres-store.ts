import type pg from 'pg';
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
  TransactionOptions,
} from '../store.js';
import { PostgresAdjustments } from './adjustments/postgres-adjustments.js';
import { PostgresProducts } from './catalogue/postgres-products.js';
import { type DistributeOptions, distributeTables, isDistributed } from './citus/citus-layout.js';
import { CitusTx } from './citus/citus-tx.js';
import { insertClient, updateClient } from './client-statements.js';
import { createPool, type PostgresStoreOptions } from './connection.js';
import { PostgresFeed } from './feed/postgres-feed.js';
import { PostgresJobs } from './jobs/postgres-jobs.js';
import { PostgresLedgerFormat, WriteFormatCache } from './ledger-format/postgres-ledger-format.js';
import { PostgresOci } from './oci/postgres-oci.js';
import { PostgresOciImports } from './oci-imports/postgres-oci-imports.js';
import { deleteOrphanedData } from './orphaned-data.js';
import { PipelinedConnection } from './pipeline.js';
import { PostgresReader } from './postgres-reader.js';
import { runTransaction } from './postgres-transaction.js';
import { PostgresTx } from './postgres-tx.js';
import type { DueReservation } from './record-mapping.js';
import { applyMigrations } from './schema.js';
import { INSERT_ENVIRONMENT, REPLACE_ENVIRONMENT } from './statements.js';
import { PostgresWebhooks } from './webhooks/postgres-webhooks.js';

export type { PostgresStoreOptions } from './connection.js';

/**
 * The production backend: a pool of connections to one PostgreSQL database, shared safely by any
 * number of Onhand processes.
 *
 * A transaction holds one pooled connection from BEGIN to COMMIT and takes a transaction-scoped
 * advisory lock per lock key (statements.LOCK_KEYS), so transactions with overlapping keys serialise
 * across every process sharing the database and never deadlock; other transactions run in parallel.
 * Commits are synchronous (connection.ts), so a resolved transaction is durable. Reads outside a
 * transaction run on any pooled connection and see committed data only.
 *
 * Do not call the store from inside a transaction's `fn`: with every pooled connection held by
 * transactions waiting for the same lock, that call would wait for a connection until the statement
 * timeout.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly feed: PostgresFeed;
  readonly webhooks: PostgresWebhooks;
  readonly products: PostgresProducts;
  readonly jobs: PostgresJobs;
  readonly adjustments: PostgresAdjustments;
  readonly oci: PostgresOci;
  readonly ociImports: PostgresOciImports;
  readonly ledgerFormat: PostgresLedgerFormat;
  /** The format this server writes ledger entries in, read again every few seconds. */
  readonly #writeFormat = new WriteFormatCache();
  readonly #pool: pg.Pool;
  readonly #reader: PostgresReader;
  #closed = false;
  #roundTrips = 0;
  /** The tables are distributed with Citus (citus/citus-layout.ts): CitusTx instead of PostgresTx. */
  #citus = false;

  private constructor(pool: pg.Pool, options: PostgresStoreOptions) {
    this.#pool = pool;
    this.#reader = new PostgresReader(pool);
    this.feed = new PostgresFeed(pool, {
      connectionString: options.connectionString,
      clock: options.clock ?? (() => new Date()),
      ...(options.feedMemory ? { memory: options.feedMemory } : {}),
    });
    this.webhooks = new PostgresWebhooks(pool);
    const open = () => {
      this.assertOpen();
      return pool;
    };
    this.products = new PostgresProducts(open);
    this.jobs = new PostgresJobs(open);
    this.adjustments = new PostgresAdjustments(open);
    this.oci = new PostgresOci(open);
    this.ociImports = new PostgresOciImports(open);
    this.ledgerFormat = new PostgresLedgerFormat(open, () => this.#citus);
  }

  /** Creates the pool and checks that the database answers (rejects otherwise). Call `migrate()` next. */
  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(createPool(options), options);
    try {
      await store.ping();
      store.#citus = store.feed.distributed = await isDistributed(store.#pool);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /**
   * Applies missing migrations; safe when several processes migrate at once (schema.ts). On a database
   * distributed with Citus, tables that later migrations added are distributed too.
   */
  async migrate(): Promise<void> {
    this.assertOpen();
    await applyMigrations(this.#pool);
    if (await isDistributed(this.#pool)) await this.distribute();
  }

  /**
   * Migrates, then distributes the tables with Citus (`onhand migrate --citus`): the database must be a
   * Citus coordinator with its workers added. Idempotent; returns the tables distributed now.
   */
  async distribute(options: DistributeOptions = {}): Promise<string[]> {
    this.assertOpen();
    await applyMigrations(this.#pool);
    const done = await distributeTables(this.#pool, options);
    this.#citus = this.feed.distributed = true;
    return done;
  }

  /** Store.partitioned: true when the tables are distributed with Citus. */
  get partitioned(): boolean {
    return this.#citus;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.#pool.query('SELECT 1');
  }

  /** Waits for checked-out connections to be released, then ends the pool. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.feed.stop();
    await this.#pool.end();
  }

  async transaction<T>(
    lockKeys: readonly string[],
    fn: (tx: StoreTx) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    this.assertOpen();
    const client = await this.#pool.connect();
    const prepare = options.preparedStatements === true && !this.#citus;
    const connection = new PipelinedConnection(client, () => this.#roundTrips++, prepare);
    const tx = new (this.#citus ? CitusTx : PostgresTx)(connection, this.#writeFormat);
    const locks = { lockKeys, lazy: options.lockWithFirstStatement === true };
    return runTransaction(client, connection, tx, locks, fn, () => this.feed.committed(tx.ledger.appended()));
  }

  /** Pipelines sent to PostgreSQL by transactions since connect (diagnostics: round trips per batch). */
  get roundTrips(): number {
    return this.#roundTrips;
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
    return expectedVersion === undefined
      ? this.changed(INSERT_ENVIRONMENT, [id, config, version, createdAt, updatedAt])
      : this.changed(REPLACE_ENVIRONMENT, [config, version, updatedAt, id, expectedVersion]);
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

  async readLedgerByReference(env: string, ref: string, limit: number, partitionId?: string) {
    return this.reads().readLedgerByReference(env, ref, limit, partitionId);
  }

  async getReservation(environmentId: string, reservationId: string): Promise<ReservationRecord | undefined> {
    return this.reads().getReservation(environmentId, reservationId, this.#citus);
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
    this.assertOpen();
    const orphaned = await deleteOrphanedData(this.#pool, environmentId);
    if (orphaned) this.feed.forget(environmentId);
    return orphaned;
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    return this.reads().getClient(clientId);
  }

  async listClients(): Promise<ClientRecord[]> {
    return this.reads().listClients();
  }

  async createClient(c: ClientRecord): Promise<boolean> {
    return this.changed(...insertClient(c));
  }

  async updateClient(c: ClientRecord): Promise<boolean> {
    return this.changed(...updateClient(c));
  }

  /** Runs one autocommit write on the pool; true when it changed exactly one row. */
  private async changed(text: string, values: unknown[]): Promise<boolean> {
    this.assertOpen();
    return (await this.#pool.query(text, values)).rowCount === 1;
  }

  private reads(): PostgresReader {
    this.assertOpen();
    return this.#reader;
  }

  private assertOpen(): void {
    if (this.#closed) throw new Error('The PostgreSQL store is closed.');
  }
}
