import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilityCache, Checkout, OnhandApiError } from '../../packages/client/src/index.js';
import { testBackends } from '../support/backends.js';
import { BROWSER, type Cluster, CuttableNetwork, change, eventually, startCluster } from './sdk-support.js';

/*
 * The SDK's AvailabilityCache against real server processes (two on one PostgreSQL database, one on
 * SQLite): it converges on every write whichever server took it, misses nothing across a dropped
 * connection and a server restart, loads again on cursor_expired, and checkout through the SDK never
 * oversells. The cache reads with a browser key (role availability); writes use the admin client.
 */

const LOCATIONS = ['11', '12'];
const COLORS = ['red', 'blue', 'black'];

describe.each(testBackends())('AvailabilityCache on %s', (backend) => {
  let cluster: Cluster;
  let network: CuttableNetwork;
  let cache: AvailabilityCache;
  const truth = new Map<string, number>();
  const key = (location: string, color: string) => `${location}/${color}`;
  const expectMatchesTruth = () => {
    for (const location of LOCATIONS) {
      for (const color of COLORS) {
        expect(cache.available('T-shirt', { siteId: '1', locationId: location, colorId: color })).toBe(
          truth.get(key(location, color)) ?? 0,
        );
      }
    }
  };
  const converged = () =>
    eventually(
      () =>
        LOCATIONS.every((l) =>
          COLORS.every(
            (c) =>
              cache.available('T-shirt', { siteId: '1', locationId: l, colorId: c }) ===
              (truth.get(key(l, c)) ?? 0),
          ),
        ),
      () => `cache at ${cache.position}: ${JSON.stringify(cache.status())}`,
    );
  let writes = 0;
  const write = async (server: number) => {
    const location = LOCATIONS[writes % 2] ?? '11';
    const color = COLORS[writes % 3] ?? 'red';
    const quantity = (writes % 5) + 1;
    writes++;
    await cluster
      .client(server % cluster.servers.length)
      .request('post', '/api/environment/{environmentId}/onhand', {
        body: change(`w-${writes}`, location, color, quantity),
      });
    truth.set(key(location, color), (truth.get(key(location, color)) ?? 0) + quantity);
  };

  beforeAll(async () => {
    cluster = await startCluster(backend, 2, { ONHAND_FEED_RETENTION_DAYS: '1' });
    network = new CuttableNetwork();
    await write(0);
    cache = new AvailabilityCache({
      client: cluster.client(0, { credentials: BROWSER, fetch: network.fetch }),
      organizationId: 'usmf',
      productIds: ['T-shirt', 'Mug'],
      reconnectDelayMs: 50,
    });
    await cache.start();
  }, 120_000);
  afterAll(async () => {
    cache?.stop();
    await cluster?.close();
  });

  it('loads, then converges on every write, whichever server took it, and verifies against the server', async () => {
    expectMatchesTruth();
    for (let i = 0; i < 12; i++) {
      await write(i);
      await converged();
    }
    expect(cache.available('T-shirt', { siteId: '1', locationId: '11' })).toBe(
      COLORS.reduce((sum, c) => sum + (truth.get(key('11', c)) ?? 0), 0),
    );
    expect(cache.available('Mug')).toBe(0);
    expect(cache.status()).toMatchObject({ connected: true, loads: 1 });
    expect(await cache.verify()).toMatchObject({ ok: true, position: cache.position });
  });

  it('reaches the head of the feed when the last writes touch none of its products', async () => {
    // The cache follows a stream filtered to its products: entries of other products never reach it,
    // so without the stream's progress events its position stayed at its last own entry, short of the
    // head (the soak saw the cache 26 and 41 entries short after a last ERP batch of other products).
    await write(0);
    await converged();
    const own = Number(cache.position);
    for (let i = 0; i < 3; i++)
      await cluster
        .client(i % cluster.servers.length)
        .request('post', '/api/environment/{environmentId}/onhand', {
          body: { ...change(`other-${i}`, '11', 'red', 1), productId: 'Sock' },
        });
    const { data } = await cluster.client(0).request('get', '/api/environment/{environmentId}/ledger', {
      query: { after: String(own), limit: '1000' },
    });
    const entries = data as unknown as { position: string }[];
    const head = entries[entries.length - 1]!.position;
    expect(Number(head)).toBeGreaterThan(own);
    await cache.waitFor(head, 10_000);
    expect(Number(cache.position)).toBeGreaterThanOrEqual(Number(head));
    expectMatchesTruth();
    expect((await cache.verify()).ok).toBe(true);
  });

  it('misses nothing across a dropped connection and a server restart', async () => {
    network.cut();
    await write(1);
    await write(0);
    await cluster.restart(0);
    await write(0);
    network.heal();
    await converged();
    await write(1);
    await converged();
    expectMatchesTruth();
    expect(cache.status().reconnects).toBeGreaterThan(0);
    expect(cache.status().loads).toBe(1);
    expect((await cache.verify()).ok).toBe(true);
  }, 60_000);

  it('a cursor that expired loads again, and answers what is true', async () => {
    network.cut();
    await write(0);
    await write(1);
    // Two days later (retention: one day), on the same data: the cache's cursor has expired.
    await cluster.restart(0, new Date(Date.now() + 2 * 86_400_000));
    if (cluster.servers.length > 1) await cluster.restart(1, new Date(Date.now() + 2 * 86_400_000));
    await write(0);
    const loads = cache.status().loads;
    network.heal();
    await eventually(
      () => cache.status().loads > loads,
      () => 'no reload',
    );
    await converged();
    expectMatchesTruth();
    expect((await cache.verify()).ok).toBe(true);
  }, 90_000);

  it('racing checkouts through the SDK never oversell, and each answer shows in the cache', async () => {
    await cluster.client(0).request('post', '/api/environment/{environmentId}/onhand', {
      body: { ...change('stock-mug', '11', 'white', 7), productId: 'Mug' },
    });
    const mug = {
      organizationId: 'usmf',
      productId: 'Mug',
      dimensions: { siteId: '1', locationId: '11', colorId: 'white' },
    };
    await eventually(
      () => cache.available('Mug') === 7,
      () => `Mug ${cache.available('Mug')}`,
    );
    const checkouts = cluster.servers.map((_, i) => new Checkout(cluster.client(i)));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        checkouts[i % checkouts.length]?.reserve({ ...mug, id: `cart-${i}`, quantity: 1, ttlSeconds: 600 }),
      ),
    );
    const held = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(held).toHaveLength(7);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(OnhandApiError);
      expect((r as PromiseRejectedResult).reason.code).toBe('insufficient_availability');
    }
    await eventually(
      () => cache.available('Mug') === 0,
      () => `Mug ${cache.available('Mug')}`,
    );
    expect((await cache.verify()).ok).toBe(true);
  }, 60_000);
});
