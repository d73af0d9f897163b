import { randomBytes } from 'node:crypto';
import { withPartitionHint } from '../../domain/reservation/reservation-id-hint.js';

/**
 * Reservation ids: opaque, unique, and increasing in the order this process created them
 * (milliseconds, then a counter, then randomness), so reservations made in the same instant are still
 * released oldest first. Given a partition id (where the store places data by partition), the id
 * carries it as a hint for lookups (domain/reservation/reservation-id-hint.ts).
 */
export class ReservationIds {
  private last = -1;
  private counter = 0;
  /** Random bytes drawn in blocks: one system call per 512 ids instead of one per id. */
  private random = Buffer.alloc(0);
  private offset = 0;

  /** A new id; `now` is the current time in milliseconds; `partitionId`: the hint to carry, if any. */
  next(now: number, partitionId?: string): string {
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
    const id = `r${time}${count}-${suffix}`;
    return partitionId === undefined ? id : withPartitionHint(id, partitionId);
  }
}
