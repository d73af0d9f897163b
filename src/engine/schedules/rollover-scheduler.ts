import { nextMidnight } from '../../domain/schedule/schedule-date.js';

/**
 * Runs the start-of-day sweep of change schedules (Schedules.rollOver): once at start-up, which
 * catches up on every day the server was down, then just after every UTC midnight. It also wakes at
 * least every `maxSleepMs`, so a clock that jumps or a long sleep cannot make it miss a day, and so a
 * failed sweep is tried again.
 */
export class RolloverScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly rollOver: () => Promise<number>,
    private readonly clock: () => Date,
    private readonly onError: (error: unknown) => void,
    private readonly maxSleepMs = 15 * 60_000,
  ) {}

  /** Sweeps now (resolving when done) and keeps sweeping every day until stop(). */
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

  private sweep(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.rollOver();
      } catch (error) {
        this.onError(error);
      } finally {
        this.running = undefined;
        if (!this.stopped) this.schedule();
      }
    })();
    return this.running;
  }

  private schedule(): void {
    const now = this.clock();
    // A little after midnight, so that every process's clock agrees the day has changed.
    const delay = Math.max(0, Math.min(nextMidnight(now) + 1000 - now.getTime(), this.maxSleepMs));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sweep();
    }, delay);
    this.timer.unref();
  }
}
