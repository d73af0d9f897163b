import { describe, expect, it } from 'vitest';
import { qtyOf } from '../../src/domain/quantity.js';
import { type ReservationStep, reservationAfter } from '../../src/domain/reservation/reservation-as-of.js';

const reserve = (quantity: number, expiresAt: string | null = null): ReservationStep => ({
  kind: 'reserve',
  at: 't0',
  quantity: qtyOf(quantity),
  expiresAt,
});

describe('a reservation after its steps', () => {
  it('does not exist before its reservation', () => {
    expect(reservationAfter([])).toBeUndefined();
    expect(reservationAfter([{ kind: 'extend', at: 't1', expiresAt: 'x' }])).toBeUndefined();
  });

  it.each([
    ['a partial release', [{ kind: 'releaseUpTo', at: 't1', total: qtyOf(2) }], 3, 'open'],
    [
      'a release of several, this one first (it gives all it holds)',
      [{ kind: 'releaseUpTo', at: 't1', total: qtyOf(9) }],
      0,
      'released',
    ],
    [
      'its recorded part of a release of several',
      [{ kind: 'release', at: 't1', released: qtyOf(5), expired: false }],
      0,
      'released',
    ],
    ['expiry', [{ kind: 'release', at: 't1', released: qtyOf(5), expired: true }], 0, 'expired'],
    ['a release of nothing (all excess)', [{ kind: 'releaseUpTo', at: 't1', total: 0n }], 5, 'open'],
  ] as const)('after %s', (_name, steps, remaining, status) => {
    const state = reservationAfter([reserve(5), ...steps]);
    expect(state?.remaining).toBe(qtyOf(remaining));
    expect(state?.status).toBe(status);
  });

  it('keeps the last expiry and the time of the last change', () => {
    const state = reservationAfter([
      reserve(5, '2026-01-01T00:00:00Z'),
      { kind: 'extend', at: 't1', expiresAt: '2026-01-02T00:00:00Z' },
      { kind: 'releaseUpTo', at: 't2', total: 0n },
    ]);
    expect(state).toEqual({
      remaining: qtyOf(5),
      expiresAt: '2026-01-02T00:00:00Z',
      status: 'open',
      updatedAt: 't1',
    });
  });
});
