import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BROWSER, type Cluster, change, ENV, eventually, startCluster } from './sdk-support.js';

/*
 * The SDK examples of docs/sdk.md and docs/storefront.md are the files of packages/client/examples,
 * shown verbatim; this test builds the package (so the examples import '@onhand/client' as an
 * application does) and runs them against a real server.
 */

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'packages/client/examples');
const source = (name: string) => readFileSync(join(EXAMPLES, name), 'utf8').trim();
const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');

let cluster: Cluster;
beforeAll(async () => {
  execFileSync('npm', ['run', 'build', '-w', '@onhand/client'], { cwd: ROOT, stdio: 'pipe' });
  cluster = await startCluster('sqlite', 1);
  await cluster.client(0).request('post', '/api/environment/{environmentId}/onhand', {
    body: change('stock-red', '11', 'red', 10),
  });
}, 120_000);
afterAll(() => cluster?.close());

describe('the docs show the examples as they are', () => {
  it.each([
    ['sdk.md', 'storefront.ts'],
    ['sdk.md', 'checkout.ts'],
    ['storefront.md', 'order-lifecycle.ts'],
  ])('docs/%s shows examples/%s', (page, file) => {
    expect(doc(page)).toContain(source(file));
  });
});

describe('the examples run', () => {
  it('a storefront, a checkout and an order through its lifecycle', async () => {
    const { openStorefront } = await import('../../packages/client/examples/storefront.js');
    const { checkoutCart } = await import('../../packages/client/examples/checkout.js');
    const orders = await import('../../packages/client/examples/order-lifecycle.js');
    const url = cluster.servers[0]?.url ?? '';
    const shop = await openStorefront(url, BROWSER);
    try {
      expect(shop).toMatchObject({ inStore: 10, redInStore: 10 });
      const red = () => shop.cache.available('T-shirt', { siteId: '1', locationId: '11', colorId: 'red' });
      expect(await checkoutCart(url, ADMIN, shop.cache)).toBe('shipped');
      expect(red()).toBe(8);

      // The package as an application imports it (the build of beforeAll), like the examples do.
      const { OnhandClient } = await import('@onhand/client');
      const client = new OnhandClient({ baseUrl: url, environmentId: ENV, credentials: ADMIN });
      const line = {
        orderId: 'SO-1',
        lineId: '1',
        productId: 'T-shirt',
        dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
        quantity: 3,
        reservations: [],
      };
      const seen = async (value: number) =>
        eventually(
          () => red() === value,
          () => `red ${red()}, want ${value}`,
        );
      await orders.orderCreated(client, line);
      await orders.orderCreated(client, line); // delivered twice: reserved once
      await seen(5);
      await orders.orderEdited(client, line, 4, 1);
      await seen(4);
      await orders.orderEdited(client, line, 2, 2);
      await seen(6);
      await orders.orderFulfilled(client, line);
      await seen(6);
      await orders.orderReturned(client, line, 1, 1);
      await orders.orderReturned(client, line, 1, 1); // delivered twice: received once
      await seen(7);
      const other = { ...line, orderId: 'SO-2', quantity: 5, reservations: [] };
      await orders.orderCreated(client, other);
      await seen(2);
      await orders.orderCancelled(client, other);
      await seen(7);
      expect((await shop.cache.verify()).ok).toBe(true);
    } finally {
      shop.cache.stop();
    }
  }, 60_000);
});
