import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../../../src/domain/feed/feed-filter.js';
import { FeedReadAhead } from '../../../src/engine/webhooks/read-ahead.js';
import { testBackends } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';

/*
 * A webhook worker's read-ahead keeps entries for its next deliveries (webhooks/read-ahead.ts); once its
 * position has left the feed's retention window, it answers cursor_expired as Feed.read does, even
 * though the entries after that position are still in its memory. The clock is the service's
 * (injected), the window one day.
 */
describe.each(testBackends())(
  'the read-ahead of a webhook worker past the retention window on %s',
  (backend) => {
    let clock = new Date('2026-03-01T00:00:00Z');
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ backend, clock: () => clock, env: { ONHAND_FEED_RETENTION_DAYS: '1' } });
    });
    afterAll(() => h?.close());

    const write = (prefix: string, count: number) =>
      h.services.engine.changeOnHand(
        'test',
        Array.from({ length: count }, (_, i) => ({
          input: {
            id: `${prefix}-${i}`,
            organizationId: 'usmf',
            productId: `K${i % 5}`,
            dimensions: { siteId: '1', locationId: '11' },
            quantities: { pos: { inbound: 1 } },
          },
          path: `/${i}`,
        })),
      );

    it('answers cursor_expired for a position out of the window, entries kept or not', async () => {
      const { feed } = h.services.engine;
      await write('old', 300);
      const reader = new FeedReadAhead(300);
      const first = await reader.read(feed, 'test', 0, 100, NO_FILTER);
      expect(first.entries).toHaveLength(100);
      // Two days on, with a newer entry: the first page's end is older than the window.
      clock = new Date('2026-03-03T00:00:00Z');
      await write('new', 1);
      await expect(feed.read('test', first.next, 100, NO_FILTER)).rejects.toMatchObject({
        code: 'cursor_expired',
      });
      await expect(reader.read(feed, 'test', first.next, 100, NO_FILTER)).rejects.toMatchObject({
        code: 'cursor_expired',
      });
    });
  },
);
