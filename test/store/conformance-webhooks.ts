import { expect } from 'vitest';
import type { Store } from '../../src/store/store.js';
import {
  type Fence,
  type NewDelivery,
  type NewWebhook,
  webhookFollower,
  webhookLease,
} from '../../src/store/webhook-store.js';
import type { DefineTest } from './conformance.js';
import { ENV, OTHER } from './fixtures.js';

/**
 * The conformance tests of webhook subscriptions and their delivery state (Store.webhooks,
 * webhook-store.ts), part of describeStoreConformance, which calls this inside its describe block.
 */
export function describeWebhookConformance(test: DefineTest, current: () => Store): void {
  const T0 = '2026-01-01T00:00:00.000Z';
  const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
  const hook = (overrides: Partial<NewWebhook> = {}): NewWebhook => ({
    environmentId: ENV,
    webhookId: 'wh_1',
    url: 'https://hooks.example.com/a',
    filters: { productId: ['p1'], kind: [] },
    description: 'cache',
    enabled: true,
    sealedSecret: 'v1.sealed',
    createdAt: T0,
    ...overrides,
  });
  const delivery = (n: number, first: number, last: number, createdAt = T0): NewDelivery => ({
    deliveryId: `msg_${n}`,
    firstPosition: first,
    lastPosition: last,
    entries: last - first + 1,
    body: `{"n":${n},"q":"ü"}`,
    createdAt,
    nextAttemptAt: createdAt,
  });
  /** Takes the subscription's lease for `owner` (until far ahead) and returns its fence. */
  const lease = async (store: Store, owner = 'p1', now = T0, webhookId = 'wh_1'): Promise<Fence> => {
    const generation = await store.feed.acquireLease(webhookLease(ENV, webhookId), owner, at(3600), now);
    expect(generation).toBeDefined();
    return { environmentId: ENV, webhookId, generation: generation as number };
  };
  const delivered = { status: 'delivered', httpStatus: 204, error: null, nextAttemptAt: null } as const;

  test('webhooks: a subscription is created once, read back with its follower position, changed and deleted', async () => {
    const store = current();
    expect(await store.webhooks.create(hook(), 17)).toBe(true);
    expect(await store.webhooks.create(hook({ url: 'https://other.example.com' }), 1)).toBe(false);
    expect(await store.webhooks.create(hook({ environmentId: OTHER }), 3)).toBe(true);
    const expected = { ...hook(), status: 'active', failingSince: null, updatedAt: T0, position: 17 };
    expect(await store.webhooks.get(ENV, 'wh_1')).toEqual(expected);
    expect(await store.feed.followerPosition(ENV, webhookFollower('wh_1'))).toBe(17);
    expect(await store.webhooks.create(hook({ webhookId: 'wh_0', createdAt: at(1) }), 0)).toBe(true);
    expect((await store.webhooks.list(ENV)).map((w) => w.webhookId)).toEqual(['wh_1', 'wh_0']);
    expect(await store.webhooks.listDispatchable()).toEqual([
      { environmentId: ENV, webhookId: 'wh_0' },
      { environmentId: ENV, webhookId: 'wh_1' },
      { environmentId: OTHER, webhookId: 'wh_1' },
    ]);

    const changed = await store.webhooks.update(ENV, 'wh_1', { enabled: false, description: null }, at(5));
    expect(changed).toEqual({ ...expected, enabled: false, description: null, updatedAt: at(5) });
    const more = { url: 'https://b.example.com', filters: { siteId: ['1'] }, sealedSecret: 'v1.new' };
    expect(await store.webhooks.update(ENV, 'wh_1', more, at(6))).toMatchObject({ ...more, enabled: false });
    expect(await store.webhooks.update(ENV, 'nope', { enabled: true }, at(6))).toBeUndefined();
    expect(await store.webhooks.listDispatchable()).not.toContainEqual({
      environmentId: ENV,
      webhookId: 'wh_1',
    });

    expect(await store.webhooks.delete(ENV, 'wh_1')).toBe(true);
    expect(await store.webhooks.delete(ENV, 'wh_1')).toBe(false);
    expect(await store.webhooks.get(ENV, 'wh_1')).toBeUndefined();
    expect(await store.feed.followerPosition(ENV, webhookFollower('wh_1'))).toBeUndefined();
    expect(await store.webhooks.get(OTHER, 'wh_1')).toMatchObject({ position: 3 });
  });

  test('webhooks: deliveries open in order under the lease, one pending at a time, from the follower position', async () => {
    const store = current();
    await store.webhooks.create(hook(), 10);
    const fence = await lease(store);
    expect(await store.webhooks.nextPending(ENV, 'wh_1')).toBeUndefined();
    // Entries the filter left out: the position moves without a delivery.
    expect(await store.webhooks.advance(fence, 10, 12, null, at(1))).toBe(true);
    expect(await store.webhooks.advance(fence, 10, 14, delivery(1, 13, 14), at(1))).toBe(false); // not at 10 any more
    expect(await store.webhooks.advance(fence, 12, 14, delivery(1, 13, 14), at(1))).toBe(true);
    // A delivery is pending: nothing more opens until it is done.
    expect(await store.webhooks.advance(fence, 14, 15, delivery(2, 15, 15), at(2))).toBe(false);
    expect(await store.webhooks.advance(fence, 14, 16, null, at(2))).toBe(false);
    const pending = await store.webhooks.nextPending(ENV, 'wh_1');
    expect(pending).toEqual({
      ...delivery(1, 13, 14),
      environmentId: ENV,
      webhookId: 'wh_1',
      number: 1,
      status: 'pending',
      attempts: 0,
      lastAttemptAt: null,
      lastStatus: null,
      lastError: null,
      deliveredAt: null,
    });
    expect(await store.webhooks.recordAttempt(fence, 'msg_1', { ...delivered, at: at(3) })).toBe(true);
    expect(await store.webhooks.recordAttempt(fence, 'msg_1', { ...delivered, at: at(4) })).toBe(false);
    expect(await store.webhooks.advance(fence, 14, 15, delivery(2, 15, 15), at(5))).toBe(true);
    expect(await store.webhooks.get(ENV, 'wh_1')).toMatchObject({ position: 15 });
    const log = await store.webhooks.listDeliveries(ENV, 'wh_1', null, 10);
    expect(log.map((d) => [d.number, d.deliveryId, d.status, d.attempts])).toEqual([
      [2, 'msg_2', 'pending', 0],
      [1, 'msg_1', 'delivered', 1],
    ]);
    // A delivered body is not kept; a pending one is, byte for byte.
    expect(log[1]).toMatchObject({ deliveredAt: at(3), lastStatus: 204, body: '' });
    expect(log[0]).toMatchObject({ body: '{"n":2,"q":"ü"}' });
    expect((await store.webhooks.listDeliveries(ENV, 'wh_1', 2, 10)).map((d) => d.number)).toEqual([1]);
    expect((await store.webhooks.listDeliveries(ENV, 'wh_1', null, 1)).map((d) => d.number)).toEqual([2]);
    expect(await store.webhooks.listDeliveries(OTHER, 'wh_1', null, 10)).toEqual([]);
  });

  test('webhooks: a process whose lease changed hands can neither open a delivery nor record an attempt', async () => {
    const store = current();
    await store.webhooks.create(hook(), 0);
    const first = await store.feed.acquireLease(webhookLease(ENV, 'wh_1'), 'p1', at(30), T0);
    const old: Fence = { environmentId: ENV, webhookId: 'wh_1', generation: first as number };
    expect(await store.webhooks.advance(old, 0, 2, delivery(1, 1, 2), at(1))).toBe(true);
    // p1's lease expires; p2 takes it over.
    expect(await store.feed.acquireLease(webhookLease(ENV, 'wh_1'), 'p2', at(90), at(20))).toBeUndefined();
    const second = await store.feed.acquireLease(webhookLease(ENV, 'wh_1'), 'p2', at(90), at(31));
    expect(second).toBeGreaterThan(first as number);
    const current2: Fence = { ...old, generation: second as number };
    expect(await store.webhooks.recordAttempt(old, 'msg_1', { ...delivered, at: at(32) })).toBe(false);
    expect(await store.webhooks.nextPending(ENV, 'wh_1')).toMatchObject({ status: 'pending', attempts: 0 });
    const retry = { status: 'pending', httpStatus: 500, error: 'HTTP 500', nextAttemptAt: at(40) } as const;
    expect(await store.webhooks.recordAttempt(current2, 'msg_1', { ...retry, at: at(33) })).toBe(true);
    expect(await store.webhooks.nextPending(ENV, 'wh_1')).toMatchObject({
      attempts: 1,
      lastStatus: 500,
      lastError: 'HTTP 500',
      nextAttemptAt: at(40),
      lastAttemptAt: at(33),
    });
    expect(await store.webhooks.recordAttempt(current2, 'msg_1', { ...delivered, at: at(41) })).toBe(true);
    expect(await store.webhooks.advance(old, 2, 3, delivery(2, 3, 3), at(42))).toBe(false);
    expect(await store.webhooks.advance(current2, 2, 3, delivery(2, 3, 3), at(42))).toBe(true);
    // A deleted subscription's lease is gone with it.
    await store.webhooks.delete(ENV, 'wh_1');
    expect(await store.webhooks.recordAttempt(current2, 'msg_2', { ...delivered, at: at(43) })).toBe(false);
  });

  test('webhooks: a delivery that gives up marks the subscription failing; a rewind cancels and resumes', async () => {
    const store = current();
    await store.webhooks.create(hook(), 5);
    const fence = await lease(store);
    await store.webhooks.advance(fence, 5, 8, delivery(1, 6, 8), at(1));
    const failed = {
      status: 'failed',
      httpStatus: null,
      error: 'ECONNREFUSED',
      nextAttemptAt: null,
    } as const;
    expect(await store.webhooks.recordAttempt(fence, 'msg_1', { ...failed, at: at(9) })).toBe(true);
    expect(await store.webhooks.get(ENV, 'wh_1')).toMatchObject({
      status: 'failing',
      failingSince: at(9),
      position: 8,
    });
    expect(await store.webhooks.listDispatchable()).toEqual([]);
    expect(await store.webhooks.nextPending(ENV, 'wh_1')).toBeUndefined();
    // A failing subscription opens nothing until an operator rewinds it.
    expect(await store.webhooks.advance(fence, 8, 9, delivery(2, 9, 9), at(10))).toBe(false);

    expect(await store.webhooks.rewind(ENV, 'wh_1', 3, at(20))).toMatchObject({
      status: 'active',
      failingSince: null,
      position: 3,
      updatedAt: at(20),
    });
    expect(await store.webhooks.rewind(ENV, 'nope', 3, at(20))).toBeUndefined();
    expect((await store.webhooks.listDeliveries(ENV, 'wh_1', null, 10))[0]).toMatchObject({
      status: 'cancelled',
      nextAttemptAt: null,
      body: '',
    });
    expect(await store.webhooks.advance(fence, 3, 8, delivery(2, 4, 8), at(21))).toBe(true);
    // A rewind while a delivery is pending cancels it too, and its late result is not recorded.
    await store.webhooks.rewind(ENV, 'wh_1', 0, at(22));
    expect(await store.webhooks.recordAttempt(fence, 'msg_2', { ...delivered, at: at(23) })).toBe(false);
    const log = await store.webhooks.listDeliveries(ENV, 'wh_1', null, 10);
    expect(log.map((d) => [d.number, d.status])).toEqual([
      [2, 'cancelled'],
      [1, 'cancelled'],
    ]);
    expect(await store.webhooks.listDispatchable()).toEqual([{ environmentId: ENV, webhookId: 'wh_1' }]);
  });

  test('webhooks: pruning the log removes older delivered and cancelled deliveries only', async () => {
    const store = current();
    await store.webhooks.create(hook(), 0);
    await store.webhooks.create(hook({ webhookId: 'wh_2' }), 0);
    const fence = await lease(store);
    const other = await lease(store, 'p1', T0, 'wh_2');
    for (let n = 1; n <= 4; n++) {
      expect(await store.webhooks.advance(fence, n - 1, n, delivery(n, n, n), at(n))).toBe(true);
      const status = n === 4 ? 'failed' : 'delivered';
      await store.webhooks.recordAttempt(fence, `msg_${n}`, { ...delivered, status, at: at(n) });
    }
    await store.webhooks.advance(other, 0, 1, delivery(1, 1, 1), at(9));
    await store.webhooks.recordAttempt(other, 'msg_1', { ...delivered, at: at(9) });
    const numbers = async (id: string) =>
      (await store.webhooks.listDeliveries(ENV, id, null, 10)).map((d) => d.number);
    expect(await numbers('wh_1')).toEqual([4, 3, 2, 1]);
    expect(await store.webhooks.pruneDeliveries(ENV, 'wh_1', 3)).toBe(2);
    expect(await numbers('wh_1')).toEqual([4, 3]);
    // A failed delivery stays for inspection.
    expect(await store.webhooks.pruneDeliveries(ENV, 'wh_1', 5)).toBe(1);
    expect(await numbers('wh_1')).toEqual([4]);
    expect(await numbers('wh_2')).toEqual([1]);
  });

  test('webhooks: live dispatchers are counted by their presence leases', async () => {
    const store = current();
    expect(await store.webhooks.countLeases('webhook-dispatchers:', T0)).toBe(0);
    await store.feed.acquireLease('webhook-dispatchers:a', 'a', at(15), T0);
    await store.feed.acquireLease('webhook-dispatchers:b', 'b', at(30), T0);
    await store.feed.acquireLease('webhook:env-a:wh_1', 'a', at(30), T0);
    expect(await store.webhooks.countLeases('webhook-dispatchers:', at(1))).toBe(2);
    expect(await store.webhooks.countLeases('webhook-dispatchers:', at(20))).toBe(1);
  });
}
