import { describe, expect, it, vi } from 'vitest';
import { ExpiryScheduler } from '../../src/engine/reservations/expiry-scheduler.js';

function source(nextExpiry: () => string | null = () => null) {
  const sweeps: number[] = [];
  let gate: Promise<void> = Promise.resolve();
  return {
    sweeps,
    hold(until: Promise<void>) {
      gate = until;
    },
    expireDue: async () => {
      sweeps.push(Date.now());
      await gate;
      return 0;
    },
    nextExpiry: async () => nextExpiry(),
  };
}

describe('the expiry scheduler', () => {
  it('sweeps at start, then wakes up when a reservation it was told about expires', async () => {
    const src = source();
    const scheduler = new ExpiryScheduler(
      src,
      () => new Date(),
      () => {},
    );
    await scheduler.start();
    expect(src.sweeps).toHaveLength(1);
    scheduler.notify(new Date(Date.now() + 30).toISOString());
    await vi.waitFor(() => expect(src.sweeps).toHaveLength(2), { timeout: 2000 });
    await scheduler.stop();
  });

  it('keeps a wake-up it was told about during a sweep, even when the sweep found nothing pending', async () => {
    const src = source();
    const scheduler = new ExpiryScheduler(
      src,
      () => new Date(),
      () => {},
    );
    await scheduler.start();
    let release = () => {};
    src.hold(new Promise<void>((resolve) => (release = resolve)));
    scheduler.notify(new Date(Date.now() + 10).toISOString());
    await vi.waitFor(() => expect(src.sweeps).toHaveLength(2), { timeout: 2000 });
    // While that sweep runs, a reservation expiring soon commits and is notified.
    scheduler.notify(new Date(Date.now() + 50).toISOString());
    src.hold(Promise.resolve());
    release();
    await vi.waitFor(() => expect(src.sweeps).toHaveLength(3), { timeout: 2000 });
    await scheduler.stop();
  });

  it('reports a failing sweep and tries again', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const scheduler = new ExpiryScheduler(
      {
        expireDue: async () => {
          if (fail) {
            fail = false;
            throw new Error('database away');
          }
          return 0;
        },
        nextExpiry: async () => null,
      },
      () => new Date(),
      (error) => errors.push(error),
    );
    await scheduler.start();
    expect(errors).toHaveLength(1);
    await scheduler.stop();
  });
});
