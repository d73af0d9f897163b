import type { TransferProgress } from '../engine/transfer/progress.js';

/** Where progress goes: stderr, or anything with `write` (tests). A TTY gets a redrawn bar. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const REDRAW_MS = 100;
const QUIET_MS = 10_000;
const WIDTH = 24;

/**
 * Progress of a long export or import. On a terminal: one line redrawn in place at most every 100 ms,
 * with a bar and percentage when the total is known, the items done and the rate. Elsewhere (a log
 * file, CI): one line at every 10% when the total is known, and at least every 10 s, then a summary.
 */
export class ProgressBar implements TransferProgress {
  #phase = '';
  #total: number | undefined;
  #done = 0;
  #startedAt = 0;
  #shownAt = 0;
  #nextPercent = 10;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {}

  start(phase: string, total: number | undefined): void {
    this.#phase = phase;
    this.#total = total;
    this.#done = 0;
    this.#startedAt = this.now();
    this.#shownAt = this.#startedAt;
    this.#nextPercent = 10;
  }

  advance(done: number): void {
    this.#done = done;
    const now = this.now();
    if (this.stream.isTTY) {
      if (now - this.#shownAt >= REDRAW_MS) this.show(now, '\r\u001b[K', '');
      return;
    }
    const percent = this.percent();
    if (percent !== undefined && percent >= this.#nextPercent) {
      this.#nextPercent = Math.floor(percent / 10) * 10 + 10;
      this.show(now, '', '\n');
    } else if (now - this.#shownAt >= QUIET_MS) {
      this.show(now, '', '\n');
    }
  }

  finish(): void {
    const now = this.now();
    const seconds = ((now - this.#startedAt) / 1000).toFixed(1);
    const prefix = this.stream.isTTY ? '\r\u001b[K' : '';
    this.stream.write(`${prefix}${this.#phase}: ${count(this.#done)} records in ${seconds} s\n`);
  }

  private show(now: number, prefix: string, suffix: string): void {
    this.#shownAt = now;
    const elapsed = Math.max(now - this.#startedAt, 1) / 1000;
    const rate = `${count(Math.round(this.#done / elapsed))}/s`;
    const percent = this.percent();
    const done = this.#total === undefined ? count(this.#done) : `${count(this.#done)}/${count(this.#total)}`;
    const bar =
      percent === undefined
        ? ''
        : ` [${'#'.repeat(Math.round((percent / 100) * WIDTH)).padEnd(WIDTH, '-')}] ${percent}%`;
    this.stream.write(`${prefix}${this.#phase}${bar} ${done} records, ${rate}${suffix}`);
  }

  private percent(): number | undefined {
    if (this.#total === undefined) return undefined;
    if (this.#total === 0) return 100;
    return Math.min(100, Math.floor((this.#done / this.#total) * 100));
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
