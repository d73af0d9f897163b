import { randomBytes } from 'node:crypto';

/**
 * Reservation ids: opaque, unique, and increasing in the order this process created them
 * (milliseconds, then a counter, then randomness), so reservations made in the same instant are still
 * released oldest first.
 */
export class ReservationIds {
  private last = -1;
  private counter = 0;

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
    return `r${time}${count}-${randomBytes(8).toString('hex')}`;
  }
}
