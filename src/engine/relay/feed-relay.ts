import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store.js';
import type { Feed } from '../feed/feed.js';
import { EnvironmentRelay } from './environment-relay.js';
import { RelayMessageEncoder } from './relay-message.js';
import type { RelayTransport } from './relay-transport.js';

export interface FeedRelayOptions {
  readonly store: Store;
  readonly feed: Feed;
  readonly clock: () => Date;
  readonly onError: (error: unknown) => void;
  /** Opens the broker connection (tried again on the next round when it fails). */
  readonly connect: () => Promise<RelayTransport>;
  /** The stream Onhand creates and publishes to. */
  readonly stream: string;
  /** Subjects are `{subjectPrefix}.{environment}.{product}`. */
  readonly subjectPrefix: string;
  /** How long the stream keeps messages (the feed's retention). */
  readonly maxAgeMs: number;
  readonly duplicateWindowMs: number;
  /** Serialises entries (exact quantities), as the HTTP API does. */
  readonly toJson: (value: unknown) => string;
  readonly maxInFlight?: number;
  readonly maxQueue?: number;
  /** How long a relay's lease lasts; it is renewed every third of it (default 10 s). */
  readonly leaseMs?: number;
}

interface Held {
  readonly relay: EnvironmentRelay;
  readonly generation: number;
  /** Until when (ms) the lease is held, as this process last renewed it. */
  until: number;
  readonly started: Promise<void>;
}

/**
 * The NATS relay (docs/feed.md): for every environment, one process at a time (the one holding the
 * environment's lease, with its fencing generation) publishes every feed entry, in position order, to
 * the stream. Each process runs one FeedRelay; every third of the lease it renews the leases it holds,
 * tries to take the free ones (so another process takes over within a lease when a holder dies), and
 * starts or stops its environment relays accordingly. A relay publishes only while its lease has more
 * than a third left by this process's clock, so a holder that stalls stops before another can take over.
 */
export class FeedRelay {
  readonly #owner = randomUUID();
  readonly #held = new Map<string, Held>();
  /** Where an environment's relay resumes after a failed publish in this process. */
  readonly #resumeAfter = new Map<string, number>();
  /** Relays being stopped (waiting for their acknowledgements). */
  readonly #stopping = new Set<Promise<void>>();
  readonly #leaseMs: number;
  #transport: RelayTransport | undefined;
  #encoder: RelayMessageEncoder | undefined;
  #connecting: Promise<void> | undefined;
  #failureToldAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #stopped = false;

  constructor(private readonly options: FeedRelayOptions) {
    this.#leaseMs = options.leaseMs ?? 10_000;
  }

  /** The follower id under which the relay keeps each environment's progress (feed_followers). */
  get followerId(): string {
    return `nats:${this.options.stream}`;
  }

  /** Environments this process relays now (tests, metrics). */
  get relaying(): string[] {
    return [...this.#held.keys()];
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => void this.runOnce(), Math.max(10, Math.floor(this.#leaseMs / 3)));
    this.#timer.unref();
    void this.runOnce();
  }

  /** Stops relaying: waits for acknowledgements in flight, saves progress, hands the leases back. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#round;
    await Promise.all([...this.#held.keys()].map((env) => this.drop(env, true)));
    await Promise.all([...this.#stopping]);
    // A connection still being attempted (NATS unreachable) is closed when it comes, not waited for.
    const transport = this.#transport;
    this.#transport = undefined;
    await transport?.close().catch(this.options.onError);
  }

  /** One round: connect if needed, then renew, take or give up each environment's lease. */
  runOnce(): Promise<void> {
    this.#round ??= this.round().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  private async round(): Promise<void> {
    try {
      if (this.#stopped) return;
      if (!this.#transport) {
        this.connect();
        return;
      }
      const environments = new Set((await this.options.store.listEnvironments()).map((e) => e.environmentId));
      for (const env of this.#held.keys()) if (!environments.has(env)) await this.drop(env, true);
      for (const env of environments) {
        if (this.#stopped) return;
        await this.renew(env);
      }
    } catch (error) {
      this.options.onError(error);
    }
  }

  private connect(): void {
    this.#connecting ??= (async () => {
      let opened: RelayTransport | undefined;
      try {
        opened = await this.options.connect();
        const { stream, subjectPrefix, maxAgeMs, duplicateWindowMs } = this.options;
        if (!this.#stopped)
          await opened.ensureStream({
            name: stream,
            subjects: [`${subjectPrefix}.>`],
            maxAgeMs,
            duplicateWindowMs,
          });
        if (this.#stopped) return;
        const transport = opened;
        this.#encoder = new RelayMessageEncoder(stream, subjectPrefix, this.options.toJson, () =>
          transport.maxPayload(),
        );
        this.#transport = transport;
        opened = undefined;
        void this.runOnce();
      } catch (error) {
        // Told once, then at most once a minute while it keeps failing (it is tried every round).
        const now = Date.now();
        if (now - this.#failureToldAt >= 60_000) {
          this.#failureToldAt = now;
          this.options.onError(error);
        }
      } finally {
        // Not kept (stopped meanwhile, or the stream could not be set up): closed.
        await opened?.close().catch(() => {});
        this.#connecting = undefined;
      }
    })();
  }

  private async renew(environmentId: string): Promise<void> {
    const now = this.options.clock().getTime();
    const until = now + this.#leaseMs;
    const generation = await this.options.store.feed.acquireLease(
      this.leaseName(environmentId),
      this.#owner,
      new Date(until).toISOString(),
      new Date(now).toISOString(),
    );
    let held = this.#held.get(environmentId);
    if (held && held.generation !== generation) {
      // Lost (or lost and taken again, so another process may have published meanwhile): start afresh.
      // Not waited for: its acknowledgements in flight must not hold up the other leases' renewal.
      void this.drop(environmentId, false);
      held = undefined;
    }
    if (generation === undefined || this.#stopped) return;
    if (held) {
      held.until = until;
      held.relay.kick();
      return;
    }
    this.begin(environmentId, generation, until);
  }

  private begin(environmentId: string, generation: number, until: number): void {
    const transport = this.#transport;
    const encoder = this.#encoder;
    if (!transport || !encoder) return;
    const margin = this.#leaseMs / 3;
    const relay: EnvironmentRelay = new EnvironmentRelay({
      environmentId,
      generation,
      resumeAfter: this.#resumeAfter.get(environmentId),
      followerId: this.followerId,
      feed: this.options.feed,
      positions: {
        load: (env, follower) => this.options.store.feed.followerPosition(env, follower),
        save: (env, follower, position) =>
          this.options.store.feed.saveFollowerPosition(env, follower, position),
      },
      transport,
      encoder,
      maxInFlight: this.options.maxInFlight ?? 256,
      maxQueue: this.options.maxQueue ?? 10_000,
      mayPublish: () => this.options.clock().getTime() < held.until - margin,
      onError: this.options.onError,
    });
    this.#resumeAfter.delete(environmentId);
    const held: Held = { relay, generation, until, started: relay.start() };
    this.#held.set(environmentId, held);
    held.started.catch((error: unknown) => {
      this.options.onError(error);
      void this.drop(environmentId, false, held);
    });
    // A failed publish: settle, save, and start again next round from what the broker acknowledged
    // in order, not from the stream's last message (a later message may be stored after the failed one).
    void relay.failed.then((error) => {
      this.options.onError(error);
      // Final: `failed` comes once nothing is in flight.
      if (this.#held.get(environmentId) === held) this.#resumeAfter.set(environmentId, relay.acknowledged);
      void this.drop(environmentId, false, held);
    });
  }

  /** Stops the environment's relay; `release` also hands the lease back (at shutdown). */
  private async drop(environmentId: string, release: boolean, only?: Held): Promise<void> {
    const held = this.#held.get(environmentId);
    if (!held || (only && held !== only)) return;
    this.#held.delete(environmentId);
    const stopped = held.started
      .catch(() => {})
      .then(() => held.relay.stop())
      .catch(this.options.onError);
    this.#stopping.add(stopped);
    await stopped.finally(() => this.#stopping.delete(stopped));
    if (!release) return;
    // Expire it now rather than delete it, so its fencing generation keeps increasing.
    const now = new Date(this.options.clock().getTime()).toISOString();
    await this.options.store.feed
      .acquireLease(this.leaseName(environmentId), this.#owner, now, now)
      .catch(this.options.onError);
  }

  private leaseName(environmentId: string): string {
    return `nats:${this.options.stream}:${environmentId}`;
  }
}
