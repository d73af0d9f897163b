/**
 * One lookup per key for the callers that ask in the same turn of the event loop: the first caller for
 * a key starts a lookup deferred to the end of the turn (setImmediate), and every caller for that key
 * until it starts gets the same answer. A caller never joins a lookup that started before it asked, so
 * each answer is at least as fresh as the caller's own lookup made at once would have been; only the
 * number of lookups changes (one per key and turn instead of one per caller).
 *
 * Used for the OCI graph check made before every IV reservation (oci-iv-guard.ts): with 64 clients,
 * the requests of one turn share one statement instead of one each (one reader statement on SQLite,
 * one round trip on PostgreSQL). A failed lookup fails every caller that joined it, as each caller's
 * own would have.
 */
export class SharedLookup<V> {
  private readonly pending = new Map<string, Promise<V>>();

  constructor(private readonly lookup: (key: string) => Promise<V>) {}

  get(key: string): Promise<V> {
    const joined = this.pending.get(key);
    if (joined !== undefined) return joined;
    const started = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      // Callers from here on ask after this lookup starts: they wait for one of their own.
      this.pending.delete(key);
      return this.lookup(key);
    });
    this.pending.set(key, started);
    return started;
  }
}
