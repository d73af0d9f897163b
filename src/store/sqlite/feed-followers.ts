import type Database from 'better-sqlite3';
import type { FeedTicket, SpanDelta } from '../feed-store.js';
import type { StockSelector } from '../store.js';
import { ACQUIRE_LEASE, type FeedStatements, SAVE_FOLLOWER } from './feed-statements.js';
import { readSpans, writeSpan } from './span-statements.js';

/** What the followers' state needs from its store. */
export interface FeedFollowersDeps {
  readonly readerDb: Database.Database;
  /** Runs a small write on the writer connection, queued behind open transactions. */
  readonly write: (task: (db: Database.Database) => void) => Promise<void>;
  readonly clock: () => Date;
  readonly sql: () => FeedStatements;
}

/**
 * What the feed's followers keep in an SQLite store (SqliteFeed delegates here): follow tickets, leases
 * (one process per follower at a time), follower positions and the checkpoint spans. Every write goes
 * through the store's one writer queue.
 */
export class SqliteFeedFollowers {
  constructor(private readonly deps: FeedFollowersDeps) {}

  async saveTicket(ticket: FeedTicket): Promise<void> {
    await this.deps.write((db) => {
      db.prepare('DELETE FROM feed_tickets WHERE expires_at <= ?').run(this.deps.clock().toISOString());
      db.prepare(
        'INSERT INTO feed_tickets (ticket_hash, environment_id, client_id, expires_at) VALUES (?, ?, ?, ?)',
      ).run(ticket.ticketHash, ticket.environmentId, ticket.clientId, ticket.expiresAt);
    });
  }

  async takeTicket(ticketHash: string, now: string): Promise<FeedTicket | undefined> {
    let found: FeedTicket | undefined;
    await this.deps.write((db) => {
      const row = db
        .prepare<[string, string], { environment_id: string; client_id: string; expires_at: string }>(
          'DELETE FROM feed_tickets WHERE ticket_hash = ? AND expires_at > ? RETURNING environment_id, client_id, expires_at',
        )
        .get(ticketHash, now);
      if (row)
        found = {
          ticketHash,
          environmentId: row.environment_id,
          clientId: row.client_id,
          expiresAt: row.expires_at,
        };
    });
    return found;
  }

  async acquireLease(name: string, owner: string, until: string, now: string): Promise<number | undefined> {
    let generation: number | undefined;
    await this.deps.write((db) => {
      const row = db
        .prepare<[{ name: string; owner: string; until: string; now: string }], { generation: bigint }>(
          ACQUIRE_LEASE,
        )
        .get({ name, owner, until, now });
      generation = row === undefined ? undefined : Number(row.generation);
    });
    return generation;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.deps.write((db) => {
      db.prepare('DELETE FROM feed_leases WHERE name = ? AND owner = ?').run(name, owner);
    });
  }

  async followerPosition(environmentId: string, followerId: string): Promise<number | undefined> {
    const row = this.deps.sql().follower.get(environmentId, followerId);
    return row === undefined ? undefined : Number(row.position);
  }

  async saveFollowerPosition(environmentId: string, followerId: string, position: number): Promise<void> {
    const at = this.deps.clock().toISOString();
    await this.deps.write((db) => {
      db.prepare(SAVE_FOLLOWER).run(environmentId, followerId, position, at);
    });
  }

  async readSpans(
    env: string,
    selector: StockSelector,
    fromSpan: number,
    toSpan: number,
  ): Promise<SpanDelta[]> {
    return readSpans(this.deps.readerDb, env, selector, fromSpan, toSpan);
  }

  async writeSpan(environmentId: string, span: number, deltas: readonly SpanDelta[]): Promise<void> {
    await this.deps.write((db) => db.transaction(() => writeSpan(db, environmentId, span, deltas))());
  }
}
