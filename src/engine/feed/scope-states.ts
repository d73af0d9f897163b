import { type ScopeId, ScopeState, scopeKey } from '../../domain/feed/scope-state.js';
import type { FeedRecord } from '../../store/feed-store.js';
import type { Store } from '../../store/store.js';
import { type KeyedChange, stockChangesOf } from './keyed-changes.js';

/** Entries read per page while taking later changes back out of a snapshot. */
const PAGE = 1000;

/**
 * The states of `scopes` as of feed `position` (docs/feed.md, "How availability is computed"): one
 * snapshot of their rows, which reflects some position at or after `position`, minus the stock changes
 * of the environment's entries between the two. The cost is one snapshot read plus the entries written
 * since `position`: small for a follower near the head. `known` are entries the caller already holds,
 * the environment's entries right after `position` in position order: those are taken back from memory
 * and only the entries after them are read.
 */
export async function loadScopes(
  store: Store,
  environmentId: string,
  scopes: readonly ScopeId[],
  position: number,
  known: readonly FeedRecord[] = [],
): Promise<Map<string, ScopeState>> {
  const states = new Map<string, ScopeState>(scopes.map((s) => [scopeKey(s), new ScopeState()]));
  if (scopes.length === 0) return states;
  const selector = {
    organizationIds: [...new Set(scopes.map((s) => s.organizationId))],
    productIds: [...new Set(scopes.map((s) => s.productId))],
  };
  const head = await store.feed.snapshot(environmentId, selector, async ({ stock }) => {
    for (const row of stock) {
      states.get(scopeKey(row))?.add(row.dimensions, row.dataSource, row.measure, row.quantity);
    }
  });
  let from = position;
  for (const record of known) {
    if (record.position <= from || record.position > head) break;
    applyRecord(states, record, -1n);
    from = record.position;
  }
  for (let after = from; after < head; ) {
    const page = await store.feed.read(environmentId, after, PAGE);
    for (const record of page) {
      if (record.position > head) return states;
      applyRecord(states, record, -1n);
    }
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) break;
    after = last.position;
  }
  return states;
}

/** Adds (sign 1) or takes back (sign -1) a record's stock changes to the states it touches that are known. */
export function applyRecord(
  states: ReadonlyMap<string, ScopeState>,
  record: FeedRecord,
  sign: 1n | -1n,
): void {
  if (states.size > 0) applyChanges(states, stockChangesOf(record), sign);
}

/** applyRecord of a record's stock changes (stockChangesOf) that the caller already holds. */
export function applyChanges(
  states: ReadonlyMap<string, ScopeState>,
  changes: readonly KeyedChange[],
  sign: 1n | -1n,
): void {
  if (states.size === 0) return;
  for (const { change, scopeKey: key, dimensionsKey } of changes) {
    states
      .get(key)
      ?.add(
        change.dimensions,
        change.dataSource,
        change.measure,
        sign === 1n ? change.delta : -change.delta,
        dimensionsKey,
      );
  }
}

/**
 * Scope states at one position that moves forward with the feed, at most `max` of them (the least
 * recently used go first). The live stream of an environment keeps one, so a hot product's
 * availability is computed from memory.
 */
export class ScopeCache {
  readonly #states = new Map<string, ScopeState>();
  #position: number;

  constructor(
    position: number,
    private readonly max: number,
  ) {
    this.#position = position;
  }

  get position(): number {
    return this.#position;
  }

  /** Forgets everything and starts again at `position`. */
  reset(position: number): void {
    this.#states.clear();
    this.#position = position;
  }

  /**
   * The states of `scopes` at the cache's position, loading the missing ones with `load`. The caller
   * moves them forward itself and then calls `advance`.
   */
  async take(
    scopes: readonly ScopeId[],
    load: (missing: ScopeId[], position: number) => Promise<Map<string, ScopeState>>,
  ): Promise<Map<string, ScopeState>> {
    const out = new Map<string, ScopeState>();
    const missing: ScopeId[] = [];
    for (const scope of scopes) {
      const key = scopeKey(scope);
      const state = this.#states.get(key);
      if (state) {
        this.#states.delete(key);
        this.#states.set(key, state);
        out.set(key, state);
      } else {
        missing.push(scope);
      }
    }
    if (missing.length > 0) {
      for (const [key, state] of await load(missing, this.#position)) {
        this.#states.set(key, state);
        out.set(key, state);
      }
    }
    return out;
  }

  /**
   * Records that every state held has been moved to `position`; drops the oldest beyond `max`.
   * `changes`: the stock changes (stockChangesOf) of each record up to `position`.
   */
  advance(
    position: number,
    moved: ReadonlyMap<string, ScopeState>,
    changes: readonly (readonly KeyedChange[])[],
  ): void {
    // States held but not handed out this time stay valid only if the records did not touch them.
    if (this.#states.size > 0)
      for (const keyed of changes) {
        for (const { scopeKey: key } of keyed) {
          if (!moved.has(key)) this.#states.delete(key);
        }
      }
    this.#position = position;
    for (const key of this.#states.keys()) {
      if (this.#states.size <= this.max) break;
      this.#states.delete(key);
    }
  }
}
