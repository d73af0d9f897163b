import type pg from 'pg';
import type { FeedRecord, FeedStore, FeedTicket, SnapshotPage, SpanDelta } from '../../feed-store.js';
import { formatOf, rowChanges } from '../../ledger-codec.js';
import type { StockSelector } from '../../store.js';
import { CITUS_SNAPSHOT_SETTINGS, holdSnapshotFence, readFeedOnCitus } from '../citus/citus-feed.js';
import { rollback } from '../connection.js';
import { PostgresReader } from '../postgres-reader.js';
import type { KeptRow } from './committed-commits.js';
import { FeedReads } from './feed-read.js';
import {
  ACQUIRE_LEASE,
  FOLLOWER,
  HEAD,
  POSITION_AT,
  positionsOfSql,
  SAVE_FOLLOWER,
  unstampedChangesSql,
} from './feed-statements.js';
import { Sequencer } from './sequencer.js';
import { Settler } from './settler.js';
import { snapshotPages } from './snapshot-pages.js';
import { readSpans, writeSpan } from './span-statements.js';
import { sumSpan } from './span-sum-read.js';
import { UnstampedDeltas } from './unstamped-deltas.js';

export interface PostgresFeedOptions {
  readonly connectionString: string;
  readonly clock: () => Date;
  /** Bounds of what the feed keeps of this process's own commits (PostgresStoreOptions.feedMemory). */
  readonly memory?: { readonly rows: number; readonly chars: number };
}

/**
 * The change feed of PostgresStore: positions are stamped after commit by the leased sequencer
 * (sequencer.ts); reads see stamped entries only. Every process runs a Sequencer once `start` is called
 * (the server does; a CLI command that only writes need not: the holder in a server stamps its commits).
 */
export class PostgresFeed implements FeedStore {
  readonly #pool: pg.Pool;
  readonly #listeners = new Set<() => void>();
  readonly #sequencer: Sequencer;
  readonly #settler: Settler;
  readonly #clock: () => Date;
  /** Reads on plain PostgreSQL, from memory for this process's own last commits (feed-read.ts). */
  readonly #reads: FeedReads;
  #onError: (error: unknown) => void = () => {};
  #citus = false;
  #spanEntriesHeld = 0;

  constructor(pool: pg.Pool, options: PostgresFeedOptions) {
    this.#pool = pool;
    this.#clock = options.clock;
    this.#reads = new FeedReads(pool, options.memory);
    this.#sequencer = new Sequencer({
      connectionString: options.connectionString,
      clock: options.clock,
      distributed: () => this.#citus,
      onHead: () => this.emit(),
      onError: (error) => this.#onError(error),
    });
    this.#settler = new Settler(
      pool,
      (ms) => this.nextHead(ms),
      () => this.#citus,
    );
  }

  async start(onError?: (error: unknown) => void): Promise<void> {
    if (onError) this.#onError = onError;
    await this.#sequencer.start();
  }

  async stop(): Promise<void> {
    this.#listeners.clear();
    this.#reads.held.clear();
    await this.#sequencer.stop();
  }

  /** Set by the store when the tables are distributed with Citus (one commit row per partition). */
  set distributed(citus: boolean) {
    this.#citus = citus;
    // Citus reads every commit from the database: what is held would only take memory.
    if (citus) this.#reads.held.clear();
  }

  /**
   * Called by the store after the COMMIT of a transaction that appended ledger entries succeeded, with
   * the rows it appended (null when they are not all known): held for reads on plain PostgreSQL.
   */
  committed(appended: { readonly commitId: string; readonly rows: readonly KeptRow[] } | null): void {
    if (appended && !this.#citus) this.#reads.held.add(appended.commitId, appended.rows);
    this.#sequencer.committed();
  }

  /** Drops what is held of an environment whose entries were deleted. */
  forget(environmentId: string): void {
    this.#reads.held.forget(environmentId);
  }

  /** Reads that took entries from memory, entries summed into spans from it, what it holds (tests, metrics). */
  get held(): { reads: number; spanEntries: number; commits: number; rows: number; chars: number } {
    return { reads: this.#reads.heldReads, spanEntries: this.#spanEntriesHeld, ...this.#reads.held.size };
  }

  /** True while this process's sequencer holds the lease (tests, metrics). */
  get sequencing(): boolean {
    return this.#sequencer.leaseHeld;
  }

  watch(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async read(environmentId: string, after: number, limit: number): Promise<FeedRecord[]> {
    if (!this.#citus) return this.#reads.read(environmentId, after, limit);
    return readFeedOnCitus(this.#pool, [environmentId, after, limit]);
  }

  async head(): Promise<number> {
    const result = await this.#pool.query<{ position: string }>(HEAD);
    return Number(result.rows[0]?.position ?? 0);
  }

  async positionsOf(environmentId: string, seqs: readonly number[]): Promise<Map<number, number>> {
    if (seqs.length === 0) return new Map();
    const result = await this.#pool.query<{ seq: string; position: string }>(positionsOfSql(this.#citus), [
      environmentId,
      seqs,
    ]);
    return new Map(result.rows.map((row) => [Number(row.seq), Number(row.position)]));
  }

  async positionAt(environmentId: string, time: string): Promise<number> {
    const result = await this.#pool.query<{ last_position: string }>(POSITION_AT, [environmentId, time]);
    return Number(result.rows[0]?.last_position ?? 0);
  }

  async settle(mark: number, timeoutMs: number): Promise<number | undefined> {
    return this.#settler.settle(mark, timeoutMs);
  }

  /** One check statement serves every call made while the previous one was in flight (settler.ts). */
  async settleAll(timeoutMs: number): Promise<number | undefined> {
    return this.#settler.settleAll(timeoutMs);
  }

  /** Settle checks sent so far (tests, metrics): far fewer than calls when calls come together. */
  get settleChecks(): number {
    return this.#settler.checks;
  }

  async snapshot(
    environmentId: string,
    selector: StockSelector | null,
    onPage: (page: SnapshotPage, position: number) => Promise<void>,
  ): Promise<number> {
    const release = this.#citus ? await holdSnapshotFence(this.#pool) : undefined;
    try {
      return await this.snapshotIn(environmentId, selector, onPage);
    } finally {
      await release?.();
    }
  }

  private async snapshotIn(
    environmentId: string,
    selector: StockSelector | null,
    onPage: (page: SnapshotPage, position: number) => Promise<void>,
  ): Promise<number> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      if (this.#citus) await client.query(CITUS_SNAPSHOT_SETTINGS);
      const head = await client.query<{ position: string }>(HEAD);
      const position = Number(head.rows[0]?.position ?? 0);
      const unstamped = await client.query<{
        partition_id: string;
        changes: string;
        request: string;
        format: number | null;
      }>(unstampedChangesSql(this.#citus), [environmentId]);
      const deltas = new UnstampedDeltas(
        unstamped.rows.map((r) => ({
          partitionId: r.partition_id,
          changes: rowChanges(r.changes, r.request, formatOf(r.format)),
        })),
      );
      const reader = new PostgresReader(client);
      let pages = 0;
      const push = (page: SnapshotPage) => {
        pages++;
        return onPage(page, position);
      };
      if (selector !== null) {
        const stock = await reader.readStock(environmentId, selector);
        const schedule = await reader.readSchedule(environmentId, selector, null);
        await push(deltas.adjust({ stock, schedule }));
      } else {
        await snapshotPages(reader, environmentId, (page) => push(deltas.adjust(page)));
      }
      const rest = deltas.rest(selector);
      if (rest.stock.length + rest.schedule.length > 0 || pages === 0) await push(rest);
      await client.query('COMMIT');
      return position;
    } catch (error) {
      broken = await rollback(client, error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async saveTicket(ticket: FeedTicket): Promise<void> {
    await this.#pool.query('DELETE FROM feed_tickets WHERE expires_at <= $1', [this.#clock().toISOString()]);
    await this.#pool.query(
      'INSERT INTO feed_tickets (ticket_hash, environment_id, client_id, expires_at) VALUES ($1, $2, $3, $4)',
      [ticket.ticketHash, ticket.environmentId, ticket.clientId, ticket.expiresAt],
    );
  }

  async takeTicket(ticketHash: string, now: string): Promise<FeedTicket | undefined> {
    const result = await this.#pool.query<{ environment_id: string; client_id: string; expires_at: string }>(
      'DELETE FROM feed_tickets WHERE ticket_hash = $1 AND expires_at > $2 RETURNING environment_id, client_id, expires_at',
      [ticketHash, now],
    );
    const row = result.rows[0];
    return (
      row && {
        ticketHash,
        environmentId: row.environment_id,
        clientId: row.client_id,
        expiresAt: row.expires_at,
      }
    );
  }

  async acquireLease(name: string, owner: string, until: string, now: string): Promise<number | undefined> {
    const result = await this.#pool.query<{ generation: string }>(ACQUIRE_LEASE, [name, owner, until, now]);
    const row = result.rows[0];
    return row === undefined ? undefined : Number(row.generation);
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.#pool.query('DELETE FROM feed_leases WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async readSpans(
    env: string,
    selector: StockSelector,
    fromSpan: number,
    toSpan: number,
  ): Promise<SpanDelta[]> {
    return readSpans(this.#pool, env, selector, fromSpan, toSpan);
  }

  /** A span's sums, the own commits' entries from memory (span-sum-read.ts); Citus reads them back. */
  async sumSpan(environmentId: string, span: number, size: number): Promise<SpanDelta[] | undefined> {
    if (this.#citus) return undefined;
    const sum = await sumSpan(this.#pool, this.#reads.held, environmentId, span * size, (span + 1) * size);
    this.#spanEntriesHeld += sum.fromMemory;
    return sum.deltas;
  }

  async writeSpan(environmentId: string, span: number, deltas: readonly SpanDelta[]): Promise<void> {
    await writeSpan(this.#pool, environmentId, span, deltas);
  }

  async followerPosition(environmentId: string, followerId: string): Promise<number | undefined> {
    const result = await this.#pool.query<{ position: string }>(FOLLOWER, [environmentId, followerId]);
    const row = result.rows[0];
    return row === undefined ? undefined : Number(row.position);
  }

  async saveFollowerPosition(environmentId: string, followerId: string, position: number): Promise<void> {
    const at = this.#clock().toISOString();
    await this.#pool.query(SAVE_FOLLOWER, [environmentId, followerId, position, at]);
  }

  private emit(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Resolves at the next NOTIFY of new positions, or after `ms`. */
  private nextHead(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const stop = this.watch(done);
    });
  }
}
