import { describe, expect, it } from 'vitest';
import { type FeedEntry, feedEntryJson, redactedEntryJson } from '../../src/engine/feed/feed-entry.js';
import { entryText } from '../../src/http/feed/entry-text.js';
import { toJson } from '../../src/http/json.js';

/*
 * The SSE route writes an entry's JSON without feedEntryJson's objects: the
 * text must be the one toJson(feedEntryJson(entry)) gives, byte for byte, whatever the entry holds.
 */

const quantities = { iv: { availabletoreserve: 1_500_000n }, '@iv': { '@available_to_allocate': -3n } };
const entries: FeedEntry[] = [
  {
    position: 42,
    kind: 'onhand.change',
    eventId: 'e-"quoted"\u2028',
    clientId: 'client-1',
    recordedAt: '2026-12-04T18:00:00.000Z',
    partitionId: 'usmf~1~11',
    reference: null,
    changes: [
      {
        organizationId: 'usmf',
        productId: 'P\\1',
        dimensions: { colorid: 'röd', locationid: '11', siteid: '1' },
        dataSource: 'pos',
        measure: 'inbound',
        delta: 1_000_001n,
        created: true,
      },
      {
        organizationId: 'usmf',
        productId: 'P\\1',
        dimensions: { siteid: '1' },
        dataSource: 'pos',
        measure: 'inbound',
        delta: -2n,
        date: '2026-12-10',
      },
    ],
    availability: [
      {
        organizationId: 'usmf',
        productId: 'P\\1',
        partitionId: 'usmf~1~11',
        dimensions: { colorid: 'röd', locationid: '11', siteid: '1' },
        quantities,
        previous: { iv: { availabletoreserve: 0n } },
      },
      {
        organizationId: 'usmf',
        productId: 'P\\1',
        partitionId: 'usmf~1~11',
        dimensions: { siteid: '1' },
        indexSet: 2,
        quantities,
        previous: quantities,
      },
    ],
    request: { ignored: true },
  },
  {
    position: 7,
    kind: 'configuration.updated',
    eventId: null,
    clientId: null,
    recordedAt: '2026-12-04T18:00:01.000Z',
    partitionId: '',
    reference: 'ref',
    changes: [],
    availability: [],
  },
];

describe("an entry's JSON text for SSE followers", () => {
  it.each(entries.map((entry) => [entry.kind, entry] as const))(
    'is toJson(feedEntryJson(…)) for %s',
    (_, entry) => {
      expect(entryText(entry)).toBe(toJson(feedEntryJson(entry)));
      expect(entryText(entry, true)).toBe(toJson(redactedEntryJson(entry)));
      // Written once: the same text again, for the next follower.
      expect(entryText(entry)).toBe(entryText(entry));
    },
  );
});
