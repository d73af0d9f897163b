import { randomBytes } from 'node:crypto';

/**
 * Reservation ids: opaque, unique, and increasing in the order this process created them
 * (milliseconds, then a counter, then randomness), so reservations made in the same instant are still
 * released oldest first.
 */
export class ReservationIds {
  private last = -1;
  private counter = 0;
  /** Random bytes drawn in blocks: one system call per 512 ids instead of one per id. */
  private random = Buffer.alloc(0);
  private offset = 0;

  /** A new id; `now` is the current time in milliseconds. */
  next(now: number): string {
    if (now > this.last) {
      this.last = now;
      this.counter = 0;
    } else {
      this.counter++;
    }
    const time = this.last.toString(36).padStart(9, '0');
    const count = this.counter.toString(36).padStart(5, '0');
    if (this.offset + 8 > this.random.length) {
      this.random = randomBytes(4096);
      this.offset = 0;
    }
    const suffix = this.random.toString('hex', this.offset, this.offset + 8);
    this.offset += 8;
    return `r${time}${count}-${suffix}`;
  }
}
