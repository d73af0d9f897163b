import { describe, expect, it } from 'vitest';
import { outcomesOf } from '../../soak/api.js';
import { operationsByKind } from '../../soak/summary.js';
import { record } from './checker-fixture.js';

/** How the soak's clients read what a write answered into the history. */
describe('reading write answers into the history', () => {
  const call = (ids: string[]) => ({
    client: 'c',
    op: 'x',
    method: 'POST' as const,
    path: '/x',
    family: 'reserve',
    ids,
  });

  it('reads a single envelope under the event id sent, with its reservation and expiry', () => {
    const answer = {
      reservationId: 'R1',
      expiresAt: '2030-01-01T00:00:05.000Z',
      id: 'ohre~cart-1',
      processingStatus: 'success',
      message: '',
      statusCode: 200,
    };
    expect(outcomesOf(call(['cart-1']), answer)).toEqual([
      { id: 'cart-1', status: 'success', reservationId: 'R1', expiresAt: '2030-01-01T00:00:05.000Z' },
    ]);
  });

  it('reads every bucket of a bulk answer, vendor prefixes taken off', () => {
    const answer = {
      success: [{ id: 'ohre~a', processingStatus: 'success', reservationId: 'R1' }],
      failure: [{ id: 'ohre~b', processingStatus: 'failure', code: 'insufficient_availability' }],
      conflict: [{ id: 'ohre~c', processingStatus: 'conflict', code: 'event_id_conflict' }],
      notFound: [],
      partialSuccess: [{ id: 'ohoe~d', processingStatus: 'partialSuccess', reservationId: '' }],
      unknown: [],
    };
    expect(outcomesOf(call(['a', 'b', 'c', 'd']), answer)).toEqual([
      { id: 'a', status: 'success', reservationId: 'R1' },
      { id: 'b', status: 'failure', code: 'insufficient_availability' },
      { id: 'c', status: 'conflict', code: 'event_id_conflict' },
      { id: 'd', status: 'partialSuccess' },
    ]);
  });

  it('reads nothing from an error that is not an envelope', () => {
    expect(outcomesOf(call(['a']), { code: 'invalid_request', message: '…' })).toEqual([]);
    expect(outcomesOf(call(['a']), 'not json')).toEqual([]);
  });

  it('counts operations by their first attempts and outcomes by their last', () => {
    const byKind = operationsByKind([
      record({ op: 'reserve', request: 'r1', status: 'timeout' }),
      record({ op: 'reserve', request: 'r1', attempt: 2, items: [{ id: 'x', status: 'success' }] }),
      record({
        op: 'reserve',
        request: 'r2',
        status: 409,
        items: [{ id: 'y', status: 'failure', code: 'insufficient_availability' }],
      }),
    ]);
    const reserve = byKind.get('reserve');
    expect([reserve?.sent, reserve?.retries, Object.fromEntries(reserve?.outcomes ?? [])]).toEqual([
      2,
      1,
      { success: 1, insufficient_availability: 1 },
    ]);
  });
});
