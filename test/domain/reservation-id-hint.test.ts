import { describe, expect, it } from 'vitest';
import {
  MAX_HINTED_PARTITION_BYTES,
  partitionHintOf,
  withPartitionHint,
} from '../../src/domain/reservation/reservation-id-hint.js';

const ID = 'r0mjr4k2q00000-0123456789abcdef';

describe('the partition hint of a reservation id', () => {
  it.each([
    ['by location', 'usmf~1~11'],
    ['by product', 'usmf~T-shirt'],
    ['escaped parts', 'us%7Emf~a%25b~c'],
    ['multi-byte', 'société~entrepôt~Å'],
    ['at the limit', 'x'.repeat(MAX_HINTED_PARTITION_BYTES)],
  ])('round-trips a partition id (%s), in characters that need no escaping in a URL', (_, partition) => {
    const id = withPartitionHint(ID, partition);
    expect(id.startsWith(`${ID}.`)).toBe(true);
    expect(id).toMatch(/^[0-9a-z-]+\.[A-Za-z0-9_-]+$/);
    expect(partitionHintOf(id)).toBe(partition);
  });

  it('leaves the id as it is for a partition id too long to carry, or an empty one', () => {
    expect(withPartitionHint(ID, 'x'.repeat(MAX_HINTED_PARTITION_BYTES + 1))).toBe(ID);
    expect(withPartitionHint(ID, 'é'.repeat(MAX_HINTED_PARTITION_BYTES / 2 + 1))).toBe(ID);
    expect(withPartitionHint(ID, '')).toBe(ID);
  });

  it.each([
    ['an id without a hint', ID],
    ['an empty hint', `${ID}.`],
    ['characters outside base64url', `${ID}.dXNt+mY=`],
    ['a non-canonical encoding', `${ID}.dXNtZh`],
    ['bytes that are not UTF-8', `${ID}.__8`],
    ['a client-chosen id', 'order-4711'],
    ['a forged NUL (r1.AA)', 'r1.AA'],
    ['a forged control character', `${ID}.${Buffer.from('a\u0001b').toString('base64url')}`],
  ])('finds no hint in %s', (_, id) => {
    expect(partitionHintOf(id)).toBeUndefined();
  });
});
