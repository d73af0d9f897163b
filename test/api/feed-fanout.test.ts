import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { follow, type SseFollower } from '../support/sse-client.js';

/**
 * docs/feed.md: one feed reader per process serves all its subscribers, not one database poll per
 * subscriber. The reads are counted on the harness's real store (SQLite, PostgreSQL or Citus, as the
 * project runs it), wrapped so that every call still reaches the database.
 */
let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness({ environments: ['one', 'twenty'] });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

const WRITES = 12;

/**
 * Store feed reads of `environmentId` that returned entries while `n` SSE subscribers follow it through
 * WRITES writes. Empty reads are left out: on SQLite the feed polls the database every second and each
 * tick may wake the reader for one more (empty) read, a number that grows with the run's duration, not
 * with the number of subscribers.
 */
async function readsWith(environmentId: string, n: number): Promise<number> {
  const feed = h.services.store.feed;
  const original = feed.read.bind(feed);
  let counting = false;
  let withEntries = 0;
  const reads = vi.spyOn(feed, 'read').mockImplementation(async (environment, after, limit) => {
    const records = await original(environment, after, limit);
    if (counting && environment === environmentId && records.length > 0) withEntries++;
    return records;
  });
  const hub = h.services.engine.feed.hub;
  const url = `${base}/api/environment/${environmentId}/feed/stream`;
  const headers = { authorization: `Bearer ${h.adminToken}` };
  const followers: SseFollower[] = [];
  try {
    for (let i = 0; i < n; i++) followers.push(await follow(url, headers));
    expect(followers.every((f) => f.status === 200)).toBe(true);
    // Each new subscriber catches up on its own (one read each) before it joins the live stream: count
    // from the moment they are all live and the stream has nothing left to read.
    await vi.waitFor(() => expect(hub.liveFollowers(environmentId)).toBe(n), { timeout: 10_000 });
    await hub.sync(environmentId);
    counting = true;
    const ids: string[] = [];
    for (let i = 0; i < WRITES; i++) {
      const id = `${environmentId}-${i}`;
      ids.push(id);
      const event = tshirtEvent(id, { quantities: { pos: { inbound: 1 } } });
      const response = await h.request('POST', `/api/environment/${environmentId}/onhand`, event);
      expect(response.statusCode, response.body).toBe(200);
      // Every subscriber has the entry before the next write.
      await Promise.all(followers.map((f) => f.entries(i + 1)));
    }
    await hub.sync(environmentId);
    counting = false;
    for (const f of followers) {
      expect(f.events.filter((e) => e.event === 'entry').map((e) => JSON.parse(e.data).eventId)).toEqual(ids);
    }
    return withEntries;
  } finally {
    for (const f of followers) f.close();
    reads.mockRestore();
  }
}

describe('one feed reader per process', () => {
  it('reads the store no more for 20 subscribers than for 1, and each receives every entry', async () => {
    const one = await readsWith('one', 1);
    const twenty = await readsWith('twenty', 20);
    // Each subscriber waits for its entry before the next write, so each write is read (with entries)
    // once by the one reader, whatever the number of subscribers: one reader per subscriber would make
    // 20 × WRITES reads with entries. The bound leaves room for scheduling (an entry read twice) only.
    expect(one).toBeGreaterThanOrEqual(WRITES);
    expect(one).toBeLessThan(2 * WRITES);
    expect(twenty).toBeGreaterThanOrEqual(WRITES);
    expect(twenty).toBeLessThan(2 * WRITES);
  });
});
