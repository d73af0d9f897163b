/** What the scheduler needs: a sweep, and the earliest pending expiry. */
export interface ExpirySource {
  expireDue(): Promise<number>;
  nextExpiry(): Promise<string | null>;
}

/**
 * Releases expired reservations on time: sweeps at start (catching up on everything that expired
 * while the server was down), then sleeps until the earliest pending expiry, waking at least every
 * `maxSleepMs` to notice reservations made by other processes. `notify` moves the wake-up earlier
 * when this process creates a reservation that expires sooner. Between sweeps, a reservation whose
 * time has passed is still released by the first write that touches its product (the batch writer
 * expires due reservations before checking availability).
 */
export class ExpiryScheduler {
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly source: ExpirySource,
    private readonly clock: () => Date,
    private readonly onError: (error: unknown) => void,
    private readonly maxSleepMs = 60_000,
  ) {}

  /** Sweeps now and keeps sweeping on time until stop(). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.sweep();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** A reservation expiring at `expiresAt` exists: wake up no later than that. */
  notify(expiresAt: string): void {
    const at = Date.parse(expiresAt);
    if (!this.stopped && at < this.wakeAt) this.schedule(at);
  }

  private sweep(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.source.expireDue();
        const next = await this.source.nextExpiry();
        // A notify() that arrived during the sweep may ask for an earlier wake-up than `next` (its
        // reservation may have committed after nextExpiry read): keep the earlier of the two.
        const at = Math.min(next === null ? Number.POSITIVE_INFINITY : Date.parse(next), this.wakeAt);
        if (!this.stopped) this.schedule(at);
      } catch (error) {
        this.onError(error);
        if (!this.stopped) this.schedule(this.clock().getTime() + 1000);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private schedule(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    const now = this.clock().getTime();
    const delay = Math.max(0, Math.min(at - now, this.maxSleepMs));
    this.wakeAt = Math.min(at, now + this.maxSleepMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      void this.sweep();
    }, delay);
    this.timer.unref();
  }
}
