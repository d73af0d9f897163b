import { type FeedFilter, passesAllScopes } from '../../domain/feed/feed-filter.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { FeedHubOptions, FeedSink, FollowOptions } from './feed-sink.js';
import { type Follower, LiveStream } from './live-stream.js';

export type { FeedHubOptions, FeedSink, FollowOptions } from './feed-sink.js';

/**
 * One per process: serves every follower of the change feed from one reader per environment, instead
 * of one database poll per follower. A new follower first catches up on its own from its position;
 * once it has reached the environment's live stream it joins it, and from then on each page the stream
 * reads (woken by `store.feed.watch`: at once after a commit in this process, by NOTIFY from other
 * processes on PostgreSQL) is annotated once and delivered to all of them.
 */
export class FeedHub {
  readonly #streams = new Map<string, LiveStream>();
  #stopped = false;

  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly options: FeedHubOptions,
  ) {
    store.feed.watch(() => {
      for (const stream of this.#streams.values()) stream.pump();
    });
  }

  /** Serves `sink` every entry of the environment after `after` that passes `filter`; returns how to stop. */
  subscribe(
    environmentId: string,
    after: number,
    filter: FeedFilter,
    sink: FeedSink,
    options: FollowOptions = {},
  ): () => void {
    if (this.#stopped) throw new Error('The change feed has stopped.');
    let stream = this.#streams.get(environmentId);
    if (!stream) {
      stream = new LiveStream(environmentId, this.store, this.environments, this.options);
      this.#streams.set(environmentId, stream);
    }
    const follower: Follower = {
      after,
      filter,
      sink,
      availability: options.availability ?? true,
      everything: passesAllScopes(filter) && filter.threshold === undefined,
      open: true,
    };
    stream.follow(follower);
    const owner = stream;
    return () => {
      follower.open = false;
      owner.leave(follower);
    };
  }

  /**
   * Resolves once the environment's live stream has read every entry that was readable when it was
   * called and delivered it to its live followers: a follower that was live then has seen them.
   */
  sync(environmentId: string): Promise<void> {
    const stream = this.#streams.get(environmentId);
    return stream ? stream.sync() : Promise.resolve();
  }

  /**
   * Stops every stream and resolves once their reads in flight have ended, so that the store can be
   * closed after it (Engine.drain): a read still running would meet a closed store.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#streams.values()].map((stream) => stream.stop()));
  }

  /** Number of followers served live, per environment (metrics, tests). */
  liveFollowers(environmentId: string): number {
    return this.#streams.get(environmentId)?.size ?? 0;
  }
}
