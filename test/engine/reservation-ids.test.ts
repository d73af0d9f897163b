import { describe, expect, it } from 'vitest';
import { partitionHintOf } from '../../src/domain/reservation/reservation-id-hint.js';
import { ReservationIds } from '../../src/engine/reservations/reservation-ids.js';

describe('ReservationIds', () => {
  it('gives unique ids that increase in creation order, within one millisecond and across them', () => {
    const ids = new ReservationIds();
    // More than one block of random bytes (512 ids), in two milliseconds.
    const made = [
      ...Array.from({ length: 700 }, () => ids.next(1_000)),
      ...Array.from({ length: 700 }, () => ids.next(1_001)),
    ];
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
    for (const id of made) expect(id).toMatch(/^r[0-9a-z]{9}[0-9a-z]{5}-[0-9a-f]{16}$/);
    expect(new Set(made.map((id) => id.slice(-16))).size).toBe(made.length);
  });

  it('carries the partition id when given one, and keeps the creation order', () => {
    const ids = new ReservationIds();
    const made = [ids.next(1_000, 'usmf~1~11'), ids.next(1_000, 'usmf~2~21'), ids.next(1_001, 'usmf~1~11')];
    expect(made.map(partitionHintOf)).toEqual(['usmf~1~11', 'usmf~2~21', 'usmf~1~11']);
    expect([...made].sort()).toEqual(made);
    expect(partitionHintOf(ids.next(1_002))).toBeUndefined();
  });
});
