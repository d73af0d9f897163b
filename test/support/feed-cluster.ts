import { ServerCluster } from './server-cluster.js';

/*
 * The servers and writers of the feed followers test (test/e2e/feed-followers.test.ts): real
 * `onhand serve` processes that faults stop and replace, racing writers of several kinds, and what the
 * ledger and the stored stock hold at the end.
 */

export const ENV = 'shop';
export const SECRET = 'ops-secret-for-the-feed-followers-test';

export interface Entry {
  position: string;
  eventId: string | null;
  kind: string;
  partitionId: string;
  changes: {
    organizationId: string;
    productId: string;
    dimensions: Record<string, string>;
    dataSource: string;
    measure: string;
    delta: number;
    date?: string;
  }[];
}

/** The servers of one feed followers test, on the environment ENV with the `ops` client's SECRET. */
export class Cluster extends ServerCluster {
  constructor(env: Record<string, string>) {
    super(env, ENV, SECRET);
  }
}

const item = (id: string, product: string, site: string, qty: number, measure = 'inbound') => ({
  id,
  organizationId: 'usmf',
  productId: product,
  dimensions: { siteId: site, locationId: '11', colorId: 'red' },
  quantities: { pos: { [measure]: qty } },
});

/** Writers of several kinds racing on a few products through every server; returns the acknowledged ids. */
export async function write(
  cluster: Cluster,
  workers: number,
  rounds: number,
  pause: () => Promise<void>,
): Promise<Set<string>> {
  const acked = new Set<string>();
  const ack = async (ids: string[], send: () => Promise<Response | undefined>) => {
    // A server restarting takes seconds: keep retrying (same ids, any server) for up to 60 s.
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const response = await send();
      if (response?.ok) {
        const body = (await response.json()) as { success?: { id: string }[] };
        for (const id of body.success?.map((s) => s.id) ?? ids) acked.add(id);
        return;
      }
      if (response && response.status < 500) return; // refused (e.g. 409 not enough stock): nothing to retry
      // Unknown or refused (a server down, 503): retry with the same ids, on another server.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let r = 0; r < rounds; r++) {
        const product = `P${(w + r) % 4}`;
        const site = String(1 + (r % 2));
        const i = w + r;
        if (r % 3 === 2) {
          const id = `res-${w}-${r}`;
          await ack([id], () =>
            cluster.call(i, 'POST', '/onhand/reserve', {
              ...item(id, product, site, 1),
              quantities: { iv: { softreserved: 1 } },
              ifCheckAvailForReserv: true,
            }),
          );
        } else {
          const ids = [`a-${w}-${r}`, `b-${w}-${r}`];
          await ack(ids, () =>
            cluster.call(i, 'POST', '/onhand/bulk', [
              item(ids[0] ?? '', product, site, 3),
              item(ids[1] ?? '', 'P9', site, 1, 'outbound'),
            ]),
          );
        }
        await pause();
      }
    }),
  );
  return acked;
}

/** Every ledger entry, by position. */
export async function ledger(cluster: Cluster): Promise<{ position: number; eventId: string | null }[]> {
  const all: { position: number; eventId: string | null }[] = [];
  for (let after = 0; ; ) {
    const response = await cluster.call(0, 'GET', `/ledger?after=${after}&limit=1000`);
    const page = (await response?.json()) as { position: number; eventId: string | null }[];
    all.push(...page);
    const last = page.at(-1);
    if (!last || page.length < 1000) return all;
    after = last.position;
  }
}

/** Stored stock per key from the snapshot, and the same rebuilt from what a follower saw. */
export async function storedStock(cluster: Cluster): Promise<Map<string, number>> {
  const response = await cluster.call(0, 'GET', '/snapshot');
  const lines = (await response?.text())?.trimEnd().split('\n') ?? [];
  const stock = new Map<string, number>();
  for (const line of lines) {
    const r = JSON.parse(line) as {
      type: string;
      productId: string;
      dimensions: unknown;
      dataSource: string;
      measure: string;
      quantity: string;
    };
    if (r.type === 'stock' && Number(r.quantity) !== 0)
      stock.set(
        `${r.productId}|${JSON.stringify(r.dimensions)}|${r.dataSource}|${r.measure}`,
        Number(r.quantity),
      );
  }
  return stock;
}
