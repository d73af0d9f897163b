/**
 * Values read from the database, kept per (environment, key) and forgotten when the change feed says
 * they changed (`touch`, `clear`), at most `max` in all (the least recently used go first).
 *
 * A value is kept only when no touch of its key (or clear of its environment) happened while it was
 * read: a touch is applied when the view applies the entry that made the change, so a value read
 * before that entry committed is either forgotten by the touch (it came after the read) or never kept
 * (it came during the read). Every entry a read must reflect has been applied before the read begins
 * (the view's consistency check), so what `get` answers reflects at least those entries.
 */
export class TrackedCache<V> {
  readonly #values = new Map<string, V>();
  /** The keys touched during each read in flight (`${environmentId}\0*`: the whole environment). */
  readonly #reads = new Set<Set<string>>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.#values.size;
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
    const missing: string[] = [];
    for (const key of keys) {
      const full = fullKey(environmentId, key);
      const value = this.#values.get(full);
      if (value === undefined) {
        missing.push(key);
        continue;
      }
      this.#values.delete(full);
      this.#values.set(full, value);
      out.set(key, value);
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
      const full = fullKey(environmentId, key);
      if (!all && !touched.has(full)) this.keep(full, value);
    }
    return out;
  }

  /** Forgets one key: the feed says its value changed. */
  touch(environmentId: string, key: string): void {
    const full = fullKey(environmentId, key);
    this.#values.delete(full);
    for (const touched of this.#reads) touched.add(full);
  }

  /** Forgets every key of an environment. */
  clear(environmentId: string): void {
    const prefix = fullKey(environmentId, '');
    for (const key of this.#values.keys()) if (key.startsWith(prefix)) this.#values.delete(key);
    for (const touched of this.#reads) touched.add(fullKey(environmentId, '*'));
  }

  private keep(full: string, value: V): void {
    this.#values.delete(full);
    this.#values.set(full, value);
    for (const oldest of this.#values.keys()) {
      if (this.#values.size <= this.max) break;
      this.#values.delete(oldest);
    }
  }
}

function fullKey(environmentId: string, key: string): string {
  return `${environmentId}\u0000${key}`;
}
