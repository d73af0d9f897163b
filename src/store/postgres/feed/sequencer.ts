import pg from 'pg';
import { pgTypes, SYNCHRONOUS_COMMIT } from '../connection.js';
import {
  ADVANCE_HEAD,
  COMMIT_CHANNEL,
  FEED_CHANNEL,
  STAMP,
  TRY_LEASE,
  UNSTAMPED,
} from './feed-statements.js';

/** Commits stamped per round. */
const ROUND = 2000;
/** How often the holder stamps anyway (a NOTIFY lost with a dying writer) and others try for the lease. */
const TICK_MS = 1000;

export interface SequencerOptions {
  readonly connectionString: string;
  readonly clock: () => Date;
  /** New positions may exist (a NOTIFY from any process's sequencer, or a reconnection). */
  readonly onHead: () => void;
  /** Told about failures of the background work (logged by the server). */
  readonly onError: (error: unknown) => void;
}

/**
 * One per process: a dedicated connection that LISTENs for new feed positions and, while it holds the
 * sequencer lease (a session advisory lock: one holder per schema of the database, released by PostgreSQL if
 * the holder's connection dies), stamps committed transactions with positions.
 *
 * Why after commit: transactions on different lock keys commit in parallel, in an order no one knows
 * while they run. The sequencer stamps only committed commits (feed_commits rows it can see), oldest
 * commit id first, in one transaction per round that also advances feed_state and NOTIFYs every
 * process. A transaction draws its commit id after taking its lock keys, so the commits of one lock key
 * are stamped in their commit order; commits of other keys get positions in the order the sequencer
 * saw them. Writers never wait for it: a process that commits signals the holder (a NOTIFY on another
 * channel, sent after the commit, at most one in flight per process).
 */
export class Sequencer {
  readonly #options: SequencerOptions;
  #client: pg.Client | undefined;
  #held = false;
  #stopped = true;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #stamping = false;
  #stampAgain = false;
  #notifying = false;
  #notifyAgain = false;
  #reconnectMs = 250;

  constructor(options: SequencerOptions) {
    this.#options = options;
  }

  /** True while this process holds the lease. */
  get leaseHeld(): boolean {
    return this.#held;
  }

  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    await this.connect();
    this.#timer = setInterval(() => this.tick(), TICK_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#chain.catch(() => {});
    const client = this.#client;
    this.#client = undefined;
    this.#held = false;
    await client?.end().catch(() => {});
  }

  /** A transaction of this process that appended ledger entries has committed. */
  committed(): void {
    if (this.#held) this.stamp();
    else this.signal();
  }

  /** Runs stamping rounds until nothing is left; a request during a round asks for one more. */
  stamp(): void {
    if (this.#stamping) {
      this.#stampAgain = true;
      return;
    }
    this.#stamping = true;
    void (async () => {
      try {
        do {
          this.#stampAgain = false;
          while (this.#held && (await this.run((c) => stampRound(c, this.#options.clock)))) {}
        } while (this.#stampAgain && this.#held);
      } catch (error) {
        this.failed(error);
      } finally {
        this.#stamping = false;
      }
    })();
  }

  /** Tells the lease holder (in another process) that commits wait for positions. */
  private signal(): void {
    if (this.#notifying) {
      this.#notifyAgain = true;
      return;
    }
    this.#notifying = true;
    void (async () => {
      try {
        do {
          this.#notifyAgain = false;
          await this.run((c) => c.query(`NOTIFY ${COMMIT_CHANNEL}`));
        } while (this.#notifyAgain);
      } catch (error) {
        this.failed(error);
      } finally {
        this.#notifying = false;
      }
    })();
  }

  private tick(): void {
    if (this.#held) this.stamp();
    else if (this.#client) void this.tryLease();
  }

  private async tryLease(): Promise<void> {
    try {
      const result = await this.run((c) => c.query<{ held: boolean }>(TRY_LEASE));
      if (result.rows[0]?.held === true) {
        this.#held = true;
        this.stamp();
      }
    } catch (error) {
      this.failed(error);
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      application_name: 'onhand-feed',
      keepAlive: true,
      types: pgTypes,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (message) => {
      if (message.channel === FEED_CHANNEL) this.#options.onHead();
      else if (message.channel === COMMIT_CHANNEL && this.#held) this.stamp();
    });
    try {
      await client.connect();
      // Positions handed out must survive a crash of the database (design.md rule 3 for the feed).
      await client.query(SYNCHRONOUS_COMMIT);
      await client.query(`LISTEN ${FEED_CHANNEL}`);
      await client.query(`LISTEN ${COMMIT_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.#client = client;
    this.#reconnectMs = 250;
    await this.tryLease();
    // Whatever was stamped while this process was not listening is there to read.
    this.#options.onHead();
  }

  /** The connection broke: the lease went with it. Reconnects with backoff unless stopped. */
  private lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#held = false;
    if (error !== undefined) this.failed(error);
    client.end().catch(() => {});
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.#stopped) return;
    const delay = this.#reconnectMs;
    this.#reconnectMs = Math.min(delay * 2, 10_000);
    setTimeout(() => {
      if (this.#stopped || this.#client) return;
      this.connect().catch((failure) => {
        this.failed(failure);
        this.reconnectLater();
      });
    }, delay).unref();
  }

  private failed(error: unknown): void {
    if (!this.#stopped) this.#options.onError(error);
  }

  /** Runs one piece of work on the connection, after the previous one (a transaction is one piece). */
  private run<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const next = this.#chain.then(() => {
      const client = this.#client;
      if (!client) throw new Error('The feed connection is down.');
      return work(client);
    });
    this.#chain = next.catch(() => {});
    return next;
  }
}

/**
 * One stamping transaction: locks feed_state (so two stampers could never interleave even without the
 * lease), gives the oldest unstamped commits consecutive positions, advances the head and NOTIFYs.
 * True when a full round was stamped (more may wait).
 */
async function stampRound(client: pg.Client, clock: () => Date): Promise<boolean> {
  await client.query('BEGIN');
  try {
    const head = await client.query<{ position: string; fed_at: string }>(
      'SELECT position, fed_at FROM feed_state WHERE id = 1 FOR UPDATE',
    );
    const commits = await client.query<{
      environment_id: string;
      partition_id: string;
      commit_id: string;
      entries: number;
    }>(UNSTAMPED, [ROUND]);
    if (commits.rows.length === 0) {
      await client.query('COMMIT');
      return false;
    }
    const now = clock().toISOString();
    const last = head.rows[0]?.fed_at ?? '';
    const fedAt = now > last ? now : last;
    let next = BigInt(head.rows[0]?.position ?? '0') + 1n;
    const positions: string[] = [];
    for (const commit of commits.rows) {
      positions.push(next.toString());
      next += BigInt(commit.entries);
    }
    const headPosition = (next - 1n).toString();
    await client.query(STAMP, [
      commits.rows.map((c) => c.environment_id),
      commits.rows.map((c) => c.partition_id),
      commits.rows.map((c) => c.commit_id),
      positions,
      fedAt,
    ]);
    await client.query(ADVANCE_HEAD, [headPosition, fedAt]);
    await client.query(`SELECT pg_notify('${FEED_CHANNEL}', $1)`, [headPosition]);
    await client.query('COMMIT');
    return commits.rows.length === ROUND;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
