import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Backend, createTestDatabase, testBackends } from '../support/backends.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { follow } from '../support/sse-client.js';

/**
 * The change feed's promise, end to end: followers see every committed entry exactly once, in position
 * order, whichever server took the write, while servers restart and crash. Real `onhand serve`
 * processes (two on one PostgreSQL database; one on SQLite), real HTTP, racing writers of several
 * kinds, a follower pulling by position and one following server-sent events.
 */

const ENV = 'shop';
const SECRET = 'ops-secret-for-the-feed-followers-test';

interface Entry {
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

/** The servers of one test: a list that faults replace entries of. */
class Cluster {
  servers: (ServerProcess | undefined)[] = [];
  bearer = '';
  constructor(readonly env: Record<string, string>) {}

  async start(count: number): Promise<void> {
    this.servers = await Promise.all(Array.from({ length: count }, () => startServerProcess(this.env)));
    const response = await fetch(`${this.servers[0]?.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'ops',
        client_secret: SECRET,
      }),
    });
    this.bearer = ((await response.json()) as { access_token: string }).access_token;
  }

  /** A live server, preferring index i. */
  url(i: number): string | undefined {
    const alive = this.servers.filter((s): s is ServerProcess => s !== undefined);
    return (this.servers[i % this.servers.length] ?? alive[i % Math.max(alive.length, 1)])?.url;
  }

  async call(i: number, method: string, path: string, body?: unknown): Promise<Response | undefined> {
    const url = this.url(i);
    if (!url) return undefined;
    try {
      return await fetch(`${url}/api/environment/${ENV}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.bearer}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      return undefined; // the server went away mid-request: the outcome is unknown
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.servers.map((s) => s?.stop()));
    this.servers = [];
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
async function write(
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

/** Follows by pulling pages by position, from whichever server answers. */
function puller(cluster: Cluster, seen: Entry[]): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    let after = '0';
    for (let i = 0; running; i++) {
      const response = await cluster.call(i, 'GET', `/feed?after=${after}&limit=50`);
      if (!response?.ok) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const page = (await response.json()) as { entries: Entry[]; next: string };
      seen.push(...page.entries);
      after = page.next;
      if (page.entries.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Follows over SSE, reconnecting (to any live server) with Last-Event-ID after a dropped stream. */
function streamer(cluster: Cluster, seen: Entry[]): { stop: () => Promise<void> } {
  let running = true;
  let close = () => {};
  const loop = (async () => {
    let last = '0';
    for (let i = 1; running; i++) {
      const url = cluster.url(i);
      let stream: Awaited<ReturnType<typeof follow>> | undefined;
      try {
        if (url)
          stream = await follow(`${url}/api/environment/${ENV}/feed/stream`, {
            authorization: `Bearer ${cluster.bearer}`,
            'last-event-id': last,
          });
      } catch {
        stream = undefined;
      }
      if (!stream || stream.status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      close = stream.close;
      let taken = 0;
      const drain = () => {
        const entries = stream.events.filter((e) => e.event === 'entry');
        for (const e of entries.slice(taken)) {
          seen.push(JSON.parse(e.data) as Entry);
          last = e.id ?? last;
        }
        taken = entries.length;
      };
      while (running) {
        drain();
        const ended = await Promise.race([
          stream.ended.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 25)),
        ]);
        if (ended) break;
      }
      drain();
      stream.close();
    }
  })();
  return {
    stop: async () => {
      running = false;
      close();
      await loop;
    },
  };
}

/** Every ledger entry, by position. */
async function ledger(cluster: Cluster): Promise<{ position: number; eventId: string | null }[]> {
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
async function storedStock(cluster: Cluster): Promise<Map<string, number>> {
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

function rebuilt(entries: readonly Entry[]): Map<string, number> {
  const stock = new Map<string, number>();
  for (const e of entries)
    for (const c of e.changes) {
      if (c.date !== undefined) continue;
      const key = `${c.productId}|${JSON.stringify(c.dimensions)}|${c.dataSource}|${c.measure}`;
      const value = Math.round(((stock.get(key) ?? 0) + c.delta) * 1e6) / 1e6;
      if (value === 0) stock.delete(key);
      else stock.set(key, value);
    }
  return stock;
}

function expectExactlyOnceInOrder(
  seen: readonly Entry[],
  all: readonly { position: number; eventId: string | null }[],
): void {
  const positions = seen.map((e) => Number(e.position));
  for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1] ?? 0);
  expect(positions).toEqual(all.map((e) => e.position));
}

describe.each(testBackends())('feed followers on %s', (backend: Backend) => {
  let dataDir = '';
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let cluster: Cluster | undefined;

  const open = async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-feed-e2e-'));
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    cluster = new Cluster({
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: ENV,
      ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
    });
    await cluster.start(backend === 'postgres' ? 2 : 1);
    return cluster;
  };

  afterEach(async () => {
    await cluster?.stopAll();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('pull and SSE followers see every acknowledged entry exactly once, in order, while servers restart and crash', async () => {
    const c = await open();
    const pulled: Entry[] = [];
    const streamed: Entry[] = [];
    const followers = [puller(c, pulled), streamer(c, streamed)];
    let step = 0;
    const faults = async () => {
      step++;
      // A graceful restart a third of the way, a SIGKILL two thirds of the way (then a fresh start).
      if (step === 30 || step === 60) {
        const index = step === 60 ? 0 : c.servers.length - 1;
        const victim = c.servers[index];
        c.servers[index] = undefined;
        if (step === 30) await victim?.stop();
        else await victim?.kill();
        c.servers[index] = await startServerProcess(c.env);
      }
    };
    const acked = await write(c, 6, 15, faults);
    const all = await ledger(c);
    const last = all.at(-1)?.position ?? 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if ([pulled, streamed].every((s) => Number(s.at(-1)?.position ?? 0) >= last)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(followers.map((f) => f.stop()));
    expect(acked.size).toBeGreaterThan(100);
    for (const seen of [pulled, streamed]) {
      expectExactlyOnceInOrder(seen, all);
      const ids = new Set(seen.map((e) => e.eventId));
      expect([...acked].filter((id) => !ids.has(id))).toEqual([]);
      expect(rebuilt(seen)).toEqual(await storedStock(c));
    }
  }, 180_000);
});
