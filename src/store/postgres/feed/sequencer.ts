import pg from 'pg';
import { pgTypes, SYNCHRONOUS_COMMIT } from '../connection.js';
import { COMMIT_CHANNEL, FEED_CHANNEL, TRY_LEASE } from './feed-statements.js';
import { stampRound } from './stamp-round.js';

/** How often the holder stamps anyway (a NOTIFY lost with a dying writer) and others try for the lease. */
const TICK_MS = 1000;
/** How long stop() waits for a connection being opened to close itself. */
const STOP_WAIT_MS = 2000;

export interface SequencerOptions {
  readonly connectionString: string;
  readonly clock: () => Date;
  /** True when the tables are distributed with Citus (stamp-round.ts stamps step by step there). */
  readonly distributed: () => boolean;
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
 * commit id first, in one transaction per round (one round trip, stamp-round.ts) that also advances
 * feed_state and NOTIFYs the other processes; this one's readers it wakes itself. A transaction draws its commit id after taking its lock keys, so the commits of one lock key
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
  /** Bumped by start() and stop(): a connection opened for an earlier start is closed, never kept. */
  #generation = 0;
  /** The connection being opened, if one is (stop() waits for it). */
  #connecting: Promise<void> | undefined;

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
    const generation = ++this.#generation;
    await this.connect();
    if (generation !== this.#generation) return; // stopped (and maybe started again) meanwhile
    this.#timer = setInterval(() => this.tick(), TICK_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#generation++;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    // This start's connection, taken now: a start right after this stop opens one of its own.
    const client = this.#client;
    this.#client = undefined;
    this.#held = false;
    // A connection being opened sees the new generation and closes itself; waited for a while (not for
    // ever: opening one to a database that is down can take minutes, and a stop must not hang on it).
    const connecting = this.#connecting;
    if (connecting) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_MS);
      });
      await Promise.race([connecting.catch(() => {}), bound]);
      clearTimeout(timer);
    }
    await this.#chain.catch(() => {});
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
          while (this.#held && (await this.run((c) => this.round(c)))) {}
        } while (this.#stampAgain && this.#held);
      } catch (error) {
        this.failed(error);
      } finally {
        this.#stamping = false;
      }
    })();
  }

  /**
   * One stamping round; true when it was full (more may wait). When it stamped, this process's feed
   * readers are woken at once: the NOTIFY that wakes the other processes comes back to this connection
   * too, and is then passed over (it carries this connection's process id).
   */
  private async round(client: pg.Client): Promise<boolean> {
    const { stamped, full } = await stampRound(client, this.#options.clock, this.#options.distributed());
    if (stamped > 0) this.#options.onHead();
    return full;
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

  private connect(): Promise<void> {
    const connecting = this.open(this.#generation);
    this.#connecting = connecting;
    const done = () => {
      if (this.#connecting === connecting) this.#connecting = undefined;
    };
    connecting.then(done, done);
    return connecting;
  }

  private async open(generation: number): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      application_name: 'onhand-feed',
      keepAlive: true,
      types: pgTypes,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (message) => {
      if (message.channel === FEED_CHANNEL) {
        // This connection's own stamping woke the readers already (round).
        if (message.processId !== backendPid(client)) this.#options.onHead();
      } else if (message.channel === COMMIT_CHANNEL && this.#held) this.stamp();
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
    // Stopped while connecting (a reconnection in flight when the store closed, or a start that a stop
    // and another start overtook): nothing of it may stay open.
    if (generation !== this.#generation) {
      await client.end().catch(() => {});
      return;
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
    // A reconnection belongs to the start that scheduled it: after a stop (and maybe a new start, which
    // opens its own connection) it does nothing, nor while another connection is being opened.
    const generation = this.#generation;
    const current = () => generation === this.#generation && !this.#stopped;
    setTimeout(() => {
      if (!current() || this.#client || this.#connecting) return;
      this.connect().catch((failure) => {
        this.failed(failure);
        if (current()) this.reconnectLater();
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

/** The connection's server process id (node-postgres keeps it from BackendKeyData; not in its types). */
function backendPid(client: pg.Client): number | undefined {
  return (client as unknown as { processID?: number | null }).processID ?? undefined;
}
