import { expect } from 'vitest';
import { type Cluster, ENV, type Entry } from './feed-cluster.js';
import { follow } from './sse-client.js';

/*
 * The followers of the feed followers test (test/e2e/feed-followers.test.ts): one pulling by position,
 * one following server-sent events, each surviving restarts; and the checks of what they saw.
 */

/** What a follower does with the entries it just took (e.g. take a new snapshot after a configuration update). */
export type Took = (entries: readonly Entry[]) => Promise<void>;

/** Follows by pulling pages by position, from whichever server answers. */
export function puller(
  cluster: Cluster,
  seen: Entry[],
  took: Took = async () => {},
): { stop: () => Promise<void> } {
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
      await took(page.entries);
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
export function streamer(
  cluster: Cluster,
  seen: Entry[],
  took: Took = async () => {},
): { stop: () => Promise<void> } {
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
      if (stream?.status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      close = stream.close;
      let taken = 0;
      const drain = async () => {
        const entries = stream.events.filter((e) => e.event === 'entry');
        const fresh = entries.slice(taken).map((e) => JSON.parse(e.data) as Entry);
        seen.push(...fresh);
        last = entries.at(-1)?.id ?? last;
        taken = entries.length;
        await took(fresh);
      };
      while (running) {
        await drain();
        const ended = await Promise.race([
          stream.ended.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 25)),
        ]);
        if (ended) break;
      }
      await drain();
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

export function rebuilt(entries: readonly Entry[]): Map<string, number> {
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

export function expectExactlyOnceInOrder(
  seen: readonly Entry[],
  all: readonly { position: number; eventId: string | null }[],
): void {
  const positions = seen.map((e) => Number(e.position));
  for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1] ?? 0);
  expect(positions).toEqual(all.map((e) => e.position));
}
