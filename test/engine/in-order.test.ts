import { afterEach, describe, expect, it } from 'vitest';
import { InOrder } from '../../src/engine/reservations/in-order.js';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('InOrder (lookups of one request answered in the order they started)', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', record);
    unhandled.length = 0;
  });

  it('answers each lookup in its turn, a failed one with its failure', async () => {
    const order = new InOrder();
    const done: string[] = [];
    const first = order.next(later(40, 'first')).then((v) => done.push(v));
    const second = order
      .next(Promise.reject(new Error('connection terminated')))
      .catch((e: Error) => done.push(e.message));
    const third = order.next(later(1, 'third')).then((v) => done.push(v));
    await Promise.all([first, second, third]);
    expect(done).toEqual(['first', 'connection terminated', 'third']);
  });

  it('leaves no unhandled rejection when a lookup fails while an earlier one still runs', async () => {
    // Node ends the process on an unhandled rejection: a server did, its database connections
    // terminated under load (docs/reliability.md).
    process.on('unhandledRejection', record);
    const order = new InOrder();
    const slow = order.next(later(60, 'slow'));
    const failed = order.next(Promise.reject(new Error('connection terminated')));
    // The failure is known long before its turn comes; Node reports unhandled ones after a tick.
    await later(30, undefined);
    expect(unhandled).toEqual([]);
    await expect(slow).resolves.toBe('slow');
    await expect(failed).rejects.toThrow('connection terminated');
    await later(10, undefined);
    expect(unhandled).toEqual([]);
  });
});
