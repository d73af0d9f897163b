import { describe, expect, it } from 'vitest';
import type { FeedEntry } from '../../../src/engine/feed/feed-entry.js';
import { RelayMessageEncoder } from '../../../src/engine/relay/relay-message.js';
import { toJson } from '../../../src/http/json.js';

/** How feed entries become messages: subject, id, headers, and a payload that fits the broker's limit. */
const entry = (products: string[], availability = 0): FeedEntry => ({
  position: 41,
  kind: 'onhand.change',
  eventId: 'e-1',
  clientId: 'ops',
  recordedAt: '2026-12-03T08:00:00.000Z',
  partitionId: 'usmf~1~11',
  reference: null,
  changes: products.map((productId) => ({
    organizationId: 'usmf',
    productId,
    dimensions: { siteid: '1', locationid: '11' },
    dataSource: 'pos',
    measure: 'inbound',
    delta: 300_000n,
  })),
  availability: Array.from({ length: availability }, (_, i) => ({
    organizationId: 'usmf',
    productId: products[0] ?? '',
    partitionId: 'usmf~1~11',
    dimensions: { siteid: '1', locationid: '11', colorid: `c${i}` },
    quantities: { iv: { availabletoreserve: 1_000_000n } },
    previous: {},
  })),
});

describe('relay messages', () => {
  const encoder = (limit: number) => new RelayMessageEncoder('S', 'onhand', toJson, () => limit);

  it('carry the entry as the pull API serves it, with its position, kind and lease generation', () => {
    const message = encoder(1024 * 1024).encode('shop', entry(['T.shirt'], 1), 3);
    expect(message.subject).toBe('onhand.shop.T~2Eshirt');
    expect(message.messageId).toBe('shop:41');
    expect(message.headers).toEqual({
      'Onhand-Environment': 'shop',
      'Onhand-Position': '41',
      'Onhand-Kind': 'onhand.change',
      'Onhand-Relay-Generation': '3',
      'Content-Type': 'application/json',
    });
    const body = JSON.parse(Buffer.from(message.data).toString('utf8'));
    expect(body.position).toBe('41');
    expect(body.changes[0].delta).toBe(0.3);
    expect(body.availability[0].quantities).toEqual({ iv: { availabletoreserve: 1 } });
    expect(body.availability[0].previous).toBeUndefined();
  });

  it('an entry too large for one message loses its availability, then its changes, and says so', () => {
    const big = entry(['P'], 200);
    const small = encoder(4096 + 2000).encode('shop', big, 1);
    expect(small.headers['Onhand-Truncated']).toBe('availability');
    expect(JSON.parse(Buffer.from(small.data).toString()).availability).toEqual([]);
    expect(small.data.byteLength).toBeLessThanOrEqual(2000);

    const huge = entry(
      Array.from({ length: 100 }, () => 'P'),
      200,
    );
    const tiny = encoder(4096 + 1000).encode('shop', huge, 1);
    expect(tiny.headers['Onhand-Truncated']).toBe('availability,changes');
    expect(JSON.parse(Buffer.from(tiny.data).toString())).toMatchObject({ position: '41', changes: [] });

    expect(encoder(1024 * 1024).encode('shop', huge, 1).headers['Onhand-Truncated']).toBeUndefined();
  });
});
