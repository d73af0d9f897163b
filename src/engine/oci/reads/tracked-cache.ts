/**
 * Values read from the database, kept per (environment, key) and forgotten when the change feed says
 * they changed (`touch`, `clear`), at most `max` in all (the first kept go first: a hit costs one
 * lookup, no reordering).
 *
 * A value is kept only when no touch of its key (or clear of its environment) happened while it was
 * read: a touch is applied when the view applies the entry that made the change, so a value read
 * before that entry committed is either forgotten by the touch (it came after the read) or never kept
 * (it came during the read). Every entry a read must reflect has been applied before the read begins
 * (the view's consistency check), so what `get` answers reflects at least those entries.
 */
export class TrackedCache<V> {
  /** By environment, then key. */
  readonly #values = new Map<string, Map<string, V>>();
  #size = 0;
  /** The keys touched during each read in flight (`${environmentId}\0*`: the whole environment). */
  readonly #reads = new Set<Set<string>>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.#size;
  }

  /**
   * The values of `keys`, reading the ones not held with `load` (a key `load` leaves out reads as
   * `absent`).
   */
  async get(
    environmentId: string,
    keys: readonly string[],
    load: (missing: readonly string[]) => Promise<ReadonlyMap<string, V>>,
    absent: V,
  ): Promise<Map<string, V>> {
    const out = new Map<string, V>();
    const held = this.#values.get(environmentId);
    const missing: string[] = [];
    for (const key of keys) {
      const value = held?.get(key);
      if (value === undefined) missing.push(key);
      else out.set(key, value);
    }
    if (missing.length === 0) return out;
    const touched = new Set<string>();
    this.#reads.add(touched);
    let loaded: ReadonlyMap<string, V>;
    try {
      loaded = await load(missing);
    } finally {
      this.#reads.delete(touched);
    }
    const all = touched.has(fullKey(environmentId, '*'));
    for (const key of missing) {
      const value = loaded.get(key) ?? absent;
      out.set(key, value);
      if (!all && !touched.has(fullKey(environmentId, key))) this.keep(environmentId, key, value);
    }
    return out;
  }

  /** Forgets one key: the feed says its value changed. */
  touch(environmentId: string, key: string): void {
    const held = this.#values.get(environmentId);
    if (held?.delete(key)) {
      this.#size -= 1;
      if (held.size === 0) this.#values.delete(environmentId);
    }
    if (this.#reads.size > 0) {
      const full = fullKey(environmentId, key);
      for (const touched of this.#reads) touched.add(full);
    }
  }

  /** Forgets every key of an environment. */
  clear(environmentId: string): void {
    const held = this.#values.get(environmentId);
    if (held) {
      this.#size -= held.size;
      this.#values.delete(environmentId);
    }
    for (const touched of this.#reads) touched.add(fullKey(environmentId, '*'));
  }

  private keep(environmentId: string, key: string, value: V): void {
    let held = this.#values.get(environmentId);
    if (!held) {
      held = new Map();
      this.#values.set(environmentId, held);
    }
    if (!held.has(key)) this.#size += 1;
    held.set(key, value);
    if (this.#size <= this.max) return;
    // Beyond the bound, the first kept go first (of the environment that grew, then of the others); an
    // environment left with no value loses its map too.
    for (const [id, map] of [[environmentId, held] as const, ...this.#values]) {
      for (const oldest of map.keys()) {
        if (this.#size <= this.max) break;
        if (map === held && oldest === key) break;
        map.delete(oldest);
        this.#size -= 1;
      }
      if (map.size === 0) this.#values.delete(id);
      if (this.#size <= this.max) return;
    }
  }
}

function fullKey(environmentId: string, key: string): string {
  return `${environmentId}\u0000${key}`;
}
