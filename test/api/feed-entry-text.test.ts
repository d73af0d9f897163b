import { describe, expect, it } from 'vitest';
import { compileConfiguration } from '../../src/domain/config/compile-configuration.js';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import { ScopeState, scopeKey } from '../../src/domain/feed/scope-state.js';
import { annotate } from '../../src/engine/feed/annotate.js';
import { type FeedEntry, feedEntryJson, redactedEntryJson } from '../../src/engine/feed/feed-entry.js';
import { entryText } from '../../src/http/feed/entry-text.js';
import { toJson } from '../../src/http/json.js';
import type { FeedRecord } from '../../src/store/feed-store.js';
import type { LedgerChange } from '../../src/store/store.js';

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
    // Unicode ids (outside the BMP, a lone surrogate, a line separator), a change with both `date` and
    // `created`, an index set numbered 0, quantities negative, fractional and of several data sources.
    position: 9_007_199_254_740_991,
    kind: 'onhand.change',
    eventId: 'événement-😀-\ud800',
    clientId: 'klient\u2028ü',
    recordedAt: '2026-12-05T00:00:00.000Z',
    partitionId: 'usmf~🏬~ö',
    reference: 'réf"\\',
    changes: [
      {
        organizationId: 'usmf',
        productId: '產品-😀',
        dimensions: { locationid: 'ö', siteid: '🏬' },
        dataSource: 'pos',
        measure: 'inbound',
        delta: -1_000_000_000_000_000_001n,
        date: '2026-12-24',
        created: true,
      },
      {
        organizationId: 'usmf',
        productId: '產品-😀',
        dimensions: {},
        dataSource: 'iv',
        measure: 'softreserved',
        delta: 0n,
      },
    ],
    availability: [
      {
        organizationId: 'usmf',
        productId: '產品-😀',
        partitionId: 'usmf~🏬~ö',
        dimensions: { siteid: '🏬' },
        indexSet: 0,
        quantities: { iv: { availabletoreserve: -300_000n, 'ä"q': 1n }, '@iv': {} },
        previous: {},
      },
    ],
  },
  {
    // Shapes neither the ledger decoder nor the annotation make: keys in another order, keys of their
    // own, a number delta, a missing value, a null quantity. Written as toJson writes them all the same.
    position: 8,
    kind: 'onhand.change',
    eventId: 'odd',
    clientId: null,
    recordedAt: '2026-12-05T00:00:00.000Z',
    partitionId: 'p',
    reference: null,
    changes: [
      {
        productId: 'P',
        organizationId: 'usmf',
        dimensions: { siteid: '1' },
        dataSource: 'pos',
        measure: 'inbound',
        delta: 5n,
      },
      {
        organizationId: 'usmf',
        productId: 'P',
        dimensions: { siteid: '1' },
        dataSource: 'pos',
        measure: 'inbound',
        delta: 7 as unknown as bigint,
        extra: 'kept',
      } as LedgerChange,
      {
        organizationId: 'usmf',
        productId: undefined as unknown as string,
        dimensions: { siteid: '1', colorid: 3 as unknown as string },
        dataSource: 'pos',
        measure: 'inbound',
        delta: 1n,
        created: undefined as unknown as true,
      },
    ],
    availability: [
      {
        productId: 'P',
        organizationId: 'usmf',
        partitionId: 'p',
        dimensions: { siteid: '1' },
        quantities: { iv: { availabletoreserve: 1n } },
        previous: {},
      },
      {
        organizationId: 'usmf',
        productId: 'P',
        partitionId: 'p',
        dimensions: { siteid: '1' },
        indexSet: undefined as unknown as number,
        quantities: {
          iv: { availabletoreserve: null as unknown as bigint, x: undefined as unknown as bigint },
        },
        previous: {},
      },
    ],
  },
  {
    // Values toJson leaves out where the fast path would write null: an undefined measure and reference,
    // a function as a date and as an index set.
    position: 9,
    kind: 'onhand.change',
    eventId: 'gaps',
    clientId: null,
    recordedAt: '2026-12-05T00:00:00.000Z',
    partitionId: 'p',
    reference: undefined as unknown as null,
    changes: [
      {
        organizationId: 'usmf',
        productId: 'P',
        dimensions: {},
        dataSource: 'pos',
        measure: undefined as unknown as string,
        delta: 1n,
      },
      {
        organizationId: 'usmf',
        productId: 'P',
        dimensions: {},
        dataSource: 'pos',
        measure: 'inbound',
        delta: 1n,
        date: (() => '2026-12-24') as unknown as string,
      },
    ],
    availability: [
      {
        organizationId: 'usmf',
        productId: 'P',
        partitionId: 'p',
        dimensions: {},
        indexSet: (() => 1) as unknown as number,
        quantities: { iv: { availabletoreserve: 1n } },
        previous: {},
      },
    ],
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

describe('the JSON text of entries the hub annotates', () => {
  const base = compileConfiguration(defaultConfiguration('e'));
  const config: CompiledConfiguration = {
    ...base,
    indexSets: [...base.indexSets, { setNumber: 9, keys: ['colorid'] }],
  };
  const red = { colorid: 'röd', locationid: '11', siteid: '1' };
  const change = (productId: string, delta: bigint, extra: Partial<LedgerChange> = {}): LedgerChange => ({
    organizationId: 'usmf',
    productId,
    dimensions: red,
    dataSource: 'pos',
    measure: 'inbound',
    delta,
    ...extra,
  });
  const record = (position: number, changes: LedgerChange[]): FeedRecord => ({
    seq: position,
    position,
    fedAt: '2026-12-05T00:00:00.000Z',
    environmentId: 'e',
    partitionId: 'usmf~1~11',
    family: 'onhand',
    eventId: `ev-${position}-😀`,
    bodyHash: '',
    kind: 'onhand.change',
    recordedAt: '2026-12-05T00:00:00.000Z',
    request: null,
    outcome: null,
    changes,
    reference: position % 2 === 0 ? null : 'r',
    clientId: 'c',
  });
  const records = [
    record(1, [change('A', 1_500_000n, { created: true })]),
    record(2, [change('A', -2_000_001n), change('B', 3n, { date: '2026-12-24' })]),
    record(3, [change('產品', 1n), change('A', 1n, { dimensions: { siteid: '1' } })]),
    record(4, []),
  ];

  it('is toJson(feedEntryJson(…)), with quantities and deltas written as exact decimals', async () => {
    const { entries } = await annotate(config, records, async (scopes) => {
      return new Map(scopes.map((s) => [scopeKey(s), new ScopeState()]));
    });
    expect(entries.some((e) => e.availability.some((a) => a.indexSet === 9))).toBe(true);
    for (const entry of entries) {
      expect(entryText(entry)).toBe(toJson(feedEntryJson(entry)));
      expect(entryText(entry, true)).toBe(toJson(redactedEntryJson(entry)));
    }
    const second = JSON.parse(entryText(entries[1] as FeedEntry)) as {
      changes: { delta: number; date?: string }[];
      availability: { quantities: { iv: { availabletoreserve: number } } }[];
    };
    expect(second.changes.map((c) => c.delta)).toEqual([-2.000001, 0.000003]);
    expect(second.changes[1]?.date).toBe('2026-12-24');
    expect(second.availability[0]?.quantities.iv.availabletoreserve).toBe(-0.500001);
  });
});
