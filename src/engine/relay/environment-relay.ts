import { NO_FILTER } from '../../domain/feed/feed-filter.js';
import type { Feed } from '../feed/feed.js';
import type { FeedEntry } from '../feed/feed-entry.js';
import type { RelayMessageEncoder } from './relay-message.js';
import type { RelayTransport } from './relay-transport.js';

/** What one environment's relay needs. */
export interface EnvironmentRelayOptions {
  readonly environmentId: string;
  /** The fencing generation of the lease it publishes under (a header of every message). */
  readonly generation: number;
  /**
   * Where to resume when this process knows it (after a failed publish: the position acknowledged in
   * order); undefined: after the later of the saved progress and the stream's last message.
   */
  readonly resumeAfter: number | undefined;
  /** The follower id its progress is kept under (feed_followers). */
  readonly followerId: string;
  readonly feed: Feed;
  readonly positions: {
    load(environmentId: string, followerId: string): Promise<number | undefined>;
    save(environmentId: string, followerId: string, position: number): Promise<void>;
  };
  readonly transport: RelayTransport;
  readonly encoder: RelayMessageEncoder;
  /** Publishes at most this many messages whose acknowledgement has not come back. */
  readonly maxInFlight: number;
  /** Entries waiting to be published at most; beyond, the hub drops the subscription and it resumes. */
  readonly maxQueue: number;
  /** Whether it may publish now (its lease is valid): checked before every message. */
  readonly mayPublish: () => boolean;
  readonly onError: (error: unknown) => void;
}

interface Slot {
  readonly position: number;
  state: 'sent' | 'acked' | 'failed';
}

/** How long the progress saved in the store may lag the acknowledged position. */
const SAVE_EVERY_MS = 100;
/** How long it waits before following the feed again after a failed read. */
const RETRY_MS = 1000;

/**
 * Publishes one environment's feed entries in position order, from the feed hub (never from the write
 * path), with up to `maxInFlight` acknowledgements outstanding. Progress is the last position before
 * which every message was acknowledged; it is saved in the store shortly after it moves. A failed
 * publish stops the pipeline: once the messages in flight have settled, `failed` resolves and the
 * owner starts a new relay, which resumes from the acknowledged position (re-sent messages are dropped
 * by the broker as duplicates).
 */
export class EnvironmentRelay {
  /** Entries taken from the hub, not yet published. */
  readonly #queue = new EntryQueue();
  /** Published, in order, until acknowledged with every message before it. */
  readonly #pending: Slot[] = [];
  /** Messages whose publish has not settled (acknowledged or failed). */
  #inFlight = 0;
  #started = false;
  #acked = 0;
  #saved = 0;
  /** The last position taken from the hub (the point a dropped subscription resumes from). */
  #enqueued = 0;
  #unsubscribe: (() => void) | undefined;
  /** After a failed read of the feed, not before this time (ms). */
  #resubscribeAt = 0;
  #stopping = false;
  #failure: unknown;
  #saveTimer: NodeJS.Timeout | undefined;
  #saving: Promise<void> = Promise.resolve();
  #settled: (() => void) | undefined;
  readonly failed: Promise<unknown>;
  #fail: (error: unknown) => void = () => {};

  constructor(private readonly options: EnvironmentRelayOptions) {
    this.failed = new Promise((resolve) => {
      this.#fail = resolve;
    });
  }

  /** The last position acknowledged by the broker (with everything before it). */
  get acknowledged(): number {
    return this.#acked;
  }

  /**
   * Starts after `resumeAfter`, else after the later of the saved progress and the environment's last
   * message in the stream (so what the broker has is not sent again), else at the retention window.
   */
  async start(): Promise<void> {
    const { environmentId, followerId, resumeAfter } = this.options;
    const saved = await this.options.positions.load(environmentId, followerId);
    const inStream =
      resumeAfter ?? (await this.options.encoder.lastPublished(this.options.transport, environmentId));
    let from = Math.max(saved ?? -1, inStream ?? -1);
    if (from < 0) from = await this.options.feed.retentionFloor(environmentId);
    this.#acked = this.#saved = this.#enqueued = from;
    if (saved === undefined || from > saved)
      await this.options.positions.save(environmentId, followerId, from);
    this.#started = true;
    if (!this.#stopping) this.subscribe();
  }

  /** Stops taking entries, waits for the acknowledgements in flight and saves the progress. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#queue.clear();
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#settled = resolve));
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    await this.#saving;
    await this.save();
  }

  /** Publishes what it may (after the lease was renewed, for instance). */
  kick(): void {
    const { maxInFlight, mayPublish } = this.options;
    if (!this.#started) return;
    while (
      !this.#stopping &&
      this.#failure === undefined &&
      this.#inFlight < maxInFlight &&
      this.#queue.size > 0 &&
      mayPublish()
    ) {
      const entry = this.#queue.take() as FeedEntry;
      this.publish(entry);
    }
    // The hub dropped a subscription that fell behind: take it up again once the queue has room.
    if (
      !this.#unsubscribe &&
      !this.#stopping &&
      this.#failure === undefined &&
      this.#queue.size === 0 &&
      Date.now() >= this.#resubscribeAt
    )
      this.subscribe();
  }

  private subscribe(): void {
    const { feed, environmentId, maxQueue } = this.options;
    let open = true;
    const unsubscribe = feed.hub.subscribe(environmentId, this.#enqueued, NO_FILTER, {
      push: (entries) => {
        if (!open) return true;
        if (this.#queue.size >= maxQueue) return false;
        for (const entry of entries) {
          if (entry.position <= this.#enqueued) continue;
          this.#queue.push(entry);
          this.#enqueued = entry.position;
        }
        this.kick();
        return true;
      },
      close: (reason) => {
        open = false;
        if (this.#unsubscribe === unsubscribe) this.#unsubscribe = undefined;
        // Too slow: resubscribe once the queue has drained. A failed read: retry in a second.
        if (reason === 'error') this.#resubscribeAt = Date.now() + RETRY_MS;
        setTimeout(() => this.kick(), reason === 'error' ? RETRY_MS : 0).unref();
      },
    });
    this.#unsubscribe = () => {
      open = false;
      unsubscribe();
    };
  }

  private publish(entry: FeedEntry): void {
    const slot: Slot = { position: entry.position, state: 'sent' };
    this.#pending.push(slot);
    this.#inFlight++;
    let message: ReturnType<RelayMessageEncoder['encode']>;
    try {
      message = this.options.encoder.encode(this.options.environmentId, entry, this.options.generation);
    } catch (error) {
      this.settle(slot, error);
      return;
    }
    this.options.transport.publish(message).then(
      () => this.settle(slot, undefined),
      (error: unknown) => this.settle(slot, error ?? new Error('publish failed')),
    );
  }

  /**
   * Records a message's outcome and moves the acknowledged position over the acknowledged prefix of
   * the pipeline; the first failure stops it (nothing after a failed message counts as acknowledged).
   */
  private settle(slot: Slot, error: unknown): void {
    this.#inFlight--;
    slot.state = error === undefined ? 'acked' : 'failed';
    if (error !== undefined && this.#failure === undefined) {
      this.#failure = error;
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
      this.#queue.clear();
    }
    while (this.#pending[0]?.state === 'acked') this.#acked = (this.#pending.shift() as Slot).position;
    this.scheduleSave();
    if (this.#inFlight === 0) {
      this.#settled?.();
      if (this.#failure !== undefined) this.#fail(this.#failure);
    }
    this.kick();
  }

  private scheduleSave(): void {
    if (this.#saveTimer || this.#acked <= this.#saved) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      this.#saving = this.#saving.then(() => this.save());
    }, SAVE_EVERY_MS);
    this.#saveTimer.unref();
  }

  private async save(): Promise<void> {
    const position = this.#acked;
    if (position <= this.#saved) return;
    try {
      await this.options.positions.save(this.options.environmentId, this.options.followerId, position);
      this.#saved = Math.max(this.#saved, position);
    } catch (error) {
      this.options.onError(error);
    }
  }
}

/** A FIFO of entries whose take is O(1) (Array.shift moves every element). */
class EntryQueue {
  #items: FeedEntry[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(entry: FeedEntry): void {
    this.#items.push(entry);
  }

  take(): FeedEntry | undefined {
    const entry = this.#items[this.#head];
    if (entry === undefined) return undefined;
    this.#head++;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
