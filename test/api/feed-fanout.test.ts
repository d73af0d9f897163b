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

/** Store feed reads of `environmentId` while `n` SSE subscribers follow it through WRITES writes. */
async function readsWith(environmentId: string, n: number): Promise<number> {
  const reads = vi.spyOn(h.services.store.feed, 'read');
  const readsOf = () => reads.mock.calls.filter(([environment]) => environment === environmentId).length;
  const hub = h.services.engine.feed.hub;
  const url = `${base}/api/environment/${environmentId}/feed/stream`;
  const headers = { authorization: `Bearer ${h.adminToken}` };
  const followers: SseFollower[] = [];
  for (let i = 0; i < n; i++) followers.push(await follow(url, headers));
  expect(followers.every((f) => f.status === 200)).toBe(true);
  // Each new subscriber catches up on its own (one read each) before it joins the live stream: count
  // from the moment they are all live and the stream has nothing left to read.
  await vi.waitFor(() => expect(hub.liveFollowers(environmentId)).toBe(n), { timeout: 10_000 });
  await hub.sync(environmentId);
  const before = readsOf();
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
  const counted = readsOf() - before;
  for (const f of followers) {
    expect(f.events.filter((e) => e.event === 'entry').map((e) => JSON.parse(e.data).eventId)).toEqual(ids);
    f.close();
  }
  reads.mockRestore();
  return counted;
}

describe('one feed reader per process', () => {
  it('reads the store no more for 20 subscribers than for 1, and each receives every entry', async () => {
    const one = await readsWith('one', 1);
    const twenty = await readsWith('twenty', 20);
    // At least one read per write, a few at most (a wake-up may find the page already read), whatever
    // the number of subscribers: one poll per subscriber would be 20 × WRITES reads or more.
    expect(one).toBeGreaterThanOrEqual(WRITES);
    expect(one).toBeLessThanOrEqual(3 * WRITES);
    expect(twenty).toBeLessThanOrEqual(one + 4);
  });
});
