import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { annotator } from './annotate.js';
import { type FeedEntry, toFeedEntry } from './feed-entry.js';
import { loadScopes, type ScopeCache } from './scope-states.js';
import type { Wanted } from './wanted.js';

/** Entries annotated and delivered between two turns of the event loop. */
export const SLICE = 250;

/** Resolves on the next turn of the event loop, after the I/O that is waiting. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What a stream of the feed hub reads with. */
export interface StreamDeps {
  readonly store: Store;
  readonly environments: Environments;
  readonly environmentId: string;
}

/**
 * The next `limit` entries after `after` (read at once: behind the head, the scopes they touch are then
 * loaded once, with one snapshot whose later entries are mostly these, which loadScopes takes back from
 * memory), annotated with states from `cache` (which moves to their end once every slice was taken),
 * in slices of SLICE entries with a turn of the event loop between them: the stamping rounds, the
 * answers to writes and the other streams of the process are not held up while a read-ahead of
 * thousands of entries is annotated and delivered (docs/feed.md, "How it works"). Only the entries
 * `wanted` accepts carry availability; with none wanted, the touched states leave the cache.
 */
export async function* annotatedSlices(
  deps: StreamDeps,
  after: number,
  limit: number,
  cache: ScopeCache,
  wanted: Wanted,
): AsyncGenerator<FeedEntry[], void, undefined> {
  const records = await deps.store.feed.read(deps.environmentId, after, limit);
  const last = records[records.length - 1];
  if (!last) return;
  if (cache.position !== after) cache.reset(after);
  let done = false;
  try {
    if (wanted === 'none') {
      cache.advance(last.position, new Map(), records);
      done = true;
      for (let from = 0; from < records.length; from += SLICE) {
        if (from > 0) await nextTurn();
        yield records.slice(from, from + SLICE).map((record) => toFeedEntry(record, []));
      }
      return;
    }
    const config = await deps.environments.get(deps.environmentId);
    const run = await annotator(
      config,
      records,
      (scopes) =>
        cache.take(scopes, (missing, position) =>
          loadScopes(deps.store, deps.environmentId, missing, position, records),
        ),
      wanted === 'all' ? undefined : wanted,
    );
    for (let from = 0; from < records.length; from += SLICE) {
      if (from > 0) await nextTurn();
      yield run.next(SLICE);
    }
    cache.advance(last.position, run.states, records);
    done = true;
  } finally {
    // Left half-way (a follower went, the stream started again): its states are half moved.
    if (!done) cache.reset(-1);
  }
}
