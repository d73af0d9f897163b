import type { Principal } from './token-service.js';

interface Entry {
  readonly principal: Principal;
  /** Epoch milliseconds after which the entry must be checked again. */
  readonly checkedUntil: number;
}

/** Settings of a TokenCache. */
export interface TokenCacheOptions {
  /** How long a successful check is trusted, in milliseconds (default 60 s). */
  readonly trustMs?: number;
  /** Most entries kept; the oldest is evicted first (default 10,000). */
  readonly maxEntries?: number;
}

/**
 * Remembers tokens that passed verification and the client lookup, so the hot path does neither on
 * every request. AuthService keys entries by the Authorization header as sent, so a header seen before
 * is not even parsed again. An entry is trusted for at most `trustMs` and never past the token's expiry.
 * Only successful checks are cached; Map insertion order gives oldest-first eviction.
 */
export class TokenCache {
  readonly trustMs: number;
  readonly maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: TokenCacheOptions = {}) {
    this.trustMs = options.trustMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The cached principal for `token` when its entry is still trusted at `now`. */
  get(token: string, now: Date): Principal | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (now.getTime() >= entry.checkedUntil) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /** Records that `token` was checked at `now` and found to speak for `principal`. */
  set(token: string, principal: Principal, now: Date): void {
    const checkedUntil = Math.min(now.getTime() + this.trustMs, principal.expiresAt.getTime());
    if (checkedUntil <= now.getTime()) return;
    this.#entries.delete(token);
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { principal, checkedUntil });
  }

  /** Forgets every token of a client (used on revocation in this process). */
  forgetClient(clientId: string): void {
    for (const [token, entry] of this.#entries) {
      if (entry.principal.clientId === clientId) this.#entries.delete(token);
    }
  }

  /** Number of entries held (trusted or not yet pruned). */
  get size(): number {
    return this.#entries.size;
  }
}
