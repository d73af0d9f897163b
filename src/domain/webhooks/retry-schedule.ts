/** The first retry waits at most this long (Standard Webhooks: retry soon after a first failure). */
export const FIRST_RETRY_MS = 2000;
/** No retry waits longer than this. */
export const MAX_RETRY_MS = 15 * 60 * 1000;

/**
 * How long to wait before the next attempt of a delivery that failed `attempts` times (1 after the
 * first failure): exponential (2 s, 4 s, 8 s … at most 15 min) with jitter, a random share of up to half
 * the delay taken off, so receivers coming back are not hit by every sender at once. `random` is in
 * [0, 1) (Math.random in production, fixed in tests). The first retry comes within 1–2 s.
 */
export function retryDelayMs(attempts: number, random: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** exponent);
  return Math.round(delay * (1 - 0.5 * Math.min(Math.max(random, 0), 1)));
}

/**
 * Whether a delivery opened at `createdAt` (ms) keeps being retried at `now` (ms): for `periodMs`
 * after its opening (default 24 h); after that it fails and the subscription is marked failing.
 */
export function keepsRetrying(createdAt: number, now: number, periodMs: number): boolean {
  return now - createdAt < periodMs;
}
