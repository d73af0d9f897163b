import { describe, expect, it } from 'vitest';
import type { FeedEntry } from '../../../src/engine/feed/feed-entry.js';
import { SharedReadAhead } from '../../../src/engine/webhooks/shared-read-ahead.js';

/*
 * The reads ahead the webhook workers of a process share (webhooks/shared-read-ahead.ts): a full read is
 * taken by a worker that needs the same entries; one that reached the head (fewer entries than asked
 * for) may have begun before the entries that woke that worker, so the worker reads on its own; reads
 * under another configuration version are never shared. The reads here stand for Feed.readAhead (the
 * sharing is what is tested; read-ahead.test.ts checks the entries against the feed on both backends).
 */
const entries = (count: number, from = 1) =>
  Array.from({ length: count }, (_, i) => ({ position: from + i }) as unknown as FeedEntry);

describe('the reads ahead shared by the webhook workers of a process', () => {
  it('gives a worker the full read another made, and reads on its own after one that reached the head', async () => {
    const shared = new SharedReadAhead();
    let reads = 0;
    const read = (count: number) => async () => {
      reads++;
      return entries(count);
    };
    const full = await shared.take('e', 0, 10, 1, read(10));
    expect(await shared.take('e', 0, 10, 1, read(10))).toBe(full);
    expect(reads).toBe(1);
    // A read in flight that comes back short: the worker that joined it reads again itself.
    let finish = (_: FeedEntry[]) => {};
    const short = shared.take(
      'e',
      20,
      10,
      1,
      () => new Promise<FeedEntry[]>((resolve) => (finish = resolve)),
    );
    const joined = shared.take('e', 20, 10, 1, read(7));
    finish(entries(3, 21));
    expect(await short).toHaveLength(3);
    expect(await joined).toHaveLength(7);
    expect(reads).toBe(2);
  });

  it('shares no read across configuration versions', async () => {
    const shared = new SharedReadAhead();
    let reads = 0;
    const read = async () => {
      reads++;
      return entries(10);
    };
    await shared.take('e', 0, 10, 1, read);
    await shared.take('e', 0, 10, 2, read);
    expect(reads).toBe(2);
  });
});
