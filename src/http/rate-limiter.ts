import { OnhandError } from '../domain/codes.js';

/** A token bucket per key: `ratePerSecond` refill, at most `burst` requests at once. */
export interface RateLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  /** Epoch ms of the last refill. */
  at: number;
}

/**
 * In-process token buckets, one per key (a client id, an IP address). Each process counts on its own:
 * with N processes behind a load balancer a client gets up to N times the limit. The number of keys
 * is bounded (oldest evicted), so junk keys cannot exhaust memory.
 */
export class RateLimiter {
  readonly limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;
  readonly #clock: () => number;

  constructor(limit: RateLimit, clock: () => number = Date.now, maxKeys = 100_000) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new Error('A rate limit needs a positive rate and a burst of at least 1.');
    }
    this.limit = limit;
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  /** Takes one request from `key`'s bucket: 0 when allowed, else the seconds to wait (≥ 1). */
  take(key: string): number {
    const now = this.#clock();
    const { ratePerSecond, burst } = this.limit;
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
      // Re-insert so Map order stays least-recently-used first.
      this.#buckets.delete(key);
    } else {
      bucket = { tokens: burst, at: now };
      while (this.#buckets.size >= this.#maxKeys) {
        const oldest = this.#buckets.keys().next();
        if (oldest.done) break;
        this.#buckets.delete(oldest.value);
      }
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
  }

  /** Throws RateLimitedError when `key` is over its limit. */
  check(key: string, what: string): void {
    const wait = this.take(key);
    if (wait > 0) throw new RateLimitedError(wait, what);
  }
}

/** A request over its rate limit; the HTTP layer answers 429 with Retry-After. */
export class RateLimitedError extends OnhandError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, what: string) {
    super('rate_limited', `Too many ${what}; retry after ${retryAfterSeconds} s.`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
