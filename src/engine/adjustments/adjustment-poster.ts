/**
 * Posts adjustment lines not yet applied to on-hand every `intervalMs` (spec §2.11: every 5 minutes by
 * default), in every server process: posting a line twice counts once (Adjustments.post), so processes
 * need not coordinate.
 */
export class AdjustmentPoster {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(
    private readonly postPending: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.#running ??= this.postPending()
        .catch(this.onError)
        .finally(() => {
          this.#running = undefined;
        });
    }, this.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
