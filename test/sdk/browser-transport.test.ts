import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilityCache } from '../../packages/client/src/index.js';
import { FetchEventSource } from './fetch-event-source.js';
import { BROWSER, type Cluster, change, eventually, startCluster } from './sdk-support.js';

/*
 * The browser's way of following the feed (transport "eventsource"): a single-use ticket per
 * connection and EventSource, which cannot send an Authorization header; a restarted server is
 * followed again with a new ticket, after the last position.
 */

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster('sqlite', 1);
}, 60_000);
afterAll(() => cluster?.close());

describe('AvailabilityCache with tickets and EventSource', () => {
  it('follows the feed with a new ticket for each connection, and misses nothing across a restart', async () => {
    const admin = cluster.client(0);
    const post = (id: string, inbound: number) =>
      admin.request('post', '/api/environment/{environmentId}/onhand', {
        body: change(id, '11', 'red', inbound),
      });
    await post('b-1', 2);
    const cache = new AvailabilityCache({
      client: cluster.client(0, { credentials: BROWSER }),
      organizationId: 'usmf',
      productIds: ['T-shirt'],
      transport: 'eventsource',
      EventSource: FetchEventSource,
      reconnectDelayMs: 50,
    });
    await cache.start();
    try {
      const red = () => cache.available('T-shirt', { siteId: '1', locationId: '11', colorId: 'red' });
      expect(red()).toBe(2);
      await eventually(
        () => cache.status().connected,
        () => 'never connected',
      );
      await post('b-2', 3);
      await eventually(
        () => red() === 5,
        () => `red ${red()}`,
      );
      await cluster.restart(0);
      await post('b-3', 4);
      await eventually(
        () => red() === 9,
        () => `red ${red()}`,
      );
      const tickets = FetchEventSource.opened.map((url) => new URL(url).searchParams.get('ticket'));
      expect(tickets.length).toBeGreaterThanOrEqual(2);
      expect(new Set(tickets).size).toBe(tickets.length);
      expect(tickets.every((t) => typeof t === 'string' && t.length > 20)).toBe(true);
      expect((await cache.verify()).ok).toBe(true);
    } finally {
      cache.stop();
    }
  }, 60_000);
});
