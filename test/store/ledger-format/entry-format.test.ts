import { describe, expect, it } from 'vitest';
import {
  decodeChanges,
  decodeOutcome,
  type EntryContent,
  formatOneTexts,
  storedTexts,
} from '../../../src/store/ledger-format/entry-format.js';
import { convertRow } from '../../../src/store/ledger-format/ledger-format-store.js';

const HERE = { siteid: '1', locationid: '11', colorid: 'red' };
const THERE = { siteid: '1', locationid: '12' };
const request = {
  kind: 'onhand.change',
  eventId: 'e1',
  organizationId: 'usmf',
  productId: 'p1',
  dimensions: HERE,
};
const change = (over: Record<string, unknown>) => ({
  organizationId: 'usmf',
  productId: 'p1',
  dimensions: HERE,
  dataSource: 'pos',
  measure: 'inbound',
  delta: 1_500_000n,
  ...over,
});

/** Entries whose texts must read back exactly in every format. */
const CASES: [string, EntryContent][] = [
  [
    'an on-hand change at the request own place, one value created',
    {
      eventId: 'e1',
      request,
      outcome: { id: 'e1', status: 'success', message: '' },
      changes: [change({ created: true }), change({ measure: 'outbound', delta: -2n })],
    },
  ],
  [
    'changes at other places and dates, in an order that revisits a place',
    {
      eventId: 'e2',
      request,
      outcome: { id: 'e2', status: 'success', message: 'Not applied to pos.inbound.' },
      changes: [
        change({ date: '2026-12-10' }),
        change({ dimensions: THERE, productId: 'p2' }),
        change({ date: '2026-12-11', delta: 9_223_372_036_854_775_807n }),
        change({}),
      ],
    },
  ],
  [
    'an entry without an event id or a request place (a cleanup)',
    {
      eventId: null,
      request: { kind: 'expire', ids: ['r1'] },
      outcome: null,
      changes: [change({ delta: -1n })],
    },
  ],
  [
    'a success outcome with more fields than the plain one',
    {
      eventId: 'r1',
      request,
      outcome: { id: 'r1', status: 'success', message: '', extra: { reservationId: 'x' } },
      changes: [],
    },
  ],
  [
    'a failure kept for a retry',
    { eventId: 'e3', request: null, outcome: { id: 'e3', status: 'failure', message: 'no' }, changes: [] },
  ],
];

describe('the ledger entry formats', () => {
  it.each(CASES)('%s reads back the same from format 1 and format 2', (_, entry) => {
    for (const format of [1, 2] as const) {
      const texts = storedTexts(entry, format);
      expect(decodeOutcome(texts.outcome, entry.eventId, texts.format)).toEqual(entry.outcome);
      expect(decodeChanges(texts.changes, JSON.parse(JSON.stringify(entry.request)), texts.format)).toEqual(
        entry.changes,
      );
    }
  });

  it('leaves out the plain success and the request own place in format 2', () => {
    const [, entry] = CASES[0] as [string, EntryContent];
    const texts = storedTexts(entry, 2);
    expect(texts).toEqual({
      outcome: 'null',
      format: 3,
      changes: '[[null,[["pos","inbound","1500000",1],["pos","outbound","-2"]]]]',
    });
    expect(formatOneTexts(entry).changes.length).toBeGreaterThan(4 * texts.changes.length);
  });

  it('keeps an outcome that is not the plain success of the entry id (format 2, not 3)', () => {
    const other = {
      eventId: 'e9',
      request,
      outcome: { id: 'e1', status: 'success', message: '' },
      changes: [],
    };
    expect(storedTexts(other, 2)).toMatchObject({
      format: 2,
      outcome: '{"id":"e1","status":"success","message":""}',
    });
  });

  it('converts a format-1 row into the texts format 2 writes', () => {
    for (const [, entry] of CASES) {
      const v1 = formatOneTexts(entry);
      const row = {
        seq: 1,
        event_id: entry.eventId,
        request: JSON.stringify(entry.request) ?? 'null',
        ...v1,
      };
      const { format, ...texts } = storedTexts(entry, 2);
      expect(convertRow(row)).toEqual({ ...texts, format });
    }
  });
});

/**
 * storedTexts in format 2 as first written, comparing JSON texts only: every entry ever written was
 * encoded this way, so the faster encoder (identity checks before texts) must give the same bytes.
 */
function recordedTexts(e: EntryContent): { outcome: string; changes: string; format: number } {
  const toJson = (v: unknown) => JSON.stringify(v) ?? 'null';
  const outcome = toJson(e.outcome);
  const r = e.request as Record<string, unknown> | null;
  const target =
    r && typeof r === 'object' && typeof r.organizationId === 'string' && typeof r.productId === 'string'
      ? r.dimensions !== null && typeof r.dimensions === 'object'
        ? [r.organizationId, r.productId, r.dimensions]
        : undefined
      : undefined;
  const own = target && JSON.stringify(target);
  const groups: unknown[] = [];
  let lastKey: string | undefined;
  let items: unknown[] = [];
  for (const c of e.changes) {
    const date = c.date ?? null;
    const place = JSON.stringify([c.organizationId, c.productId, c.dimensions]);
    const key = `${place}\u0000${date}`;
    if (key !== lastKey) {
      items = [];
      groups.push(place === own ? [date, items] : [c.organizationId, c.productId, c.dimensions, date, items]);
      lastKey = key;
    }
    const delta = c.delta.toString();
    items.push(c.created ? [c.dataSource, c.measure, delta, 1] : [c.dataSource, c.measure, delta]);
  }
  const plain =
    e.eventId !== null && outcome === `{"id":${JSON.stringify(e.eventId)},"status":"success","message":""}`;
  return { outcome: plain ? 'null' : outcome, changes: JSON.stringify(groups), format: plain ? 3 : 2 };
}

describe('the format-2 texts', () => {
  const copy = { ...HERE };
  const reordered = { colorid: 'red', siteid: '1', locationid: '11' };
  const entries: [string, EntryContent][] = [
    ...CASES,
    [
      'changes whose tuple is an equal copy of the request one',
      {
        eventId: 'c1',
        request,
        outcome: { id: 'c1', status: 'success', message: '' },
        changes: [change({ dimensions: copy }), change({ dimensions: HERE, measure: 'x' })],
      },
    ],
    [
      'a tuple with the same values in another key order (another text)',
      { eventId: 'c2', request, outcome: null, changes: [change({ dimensions: reordered }), change({})] },
    ],
    [
      'changes alternating between places and dates, some of them undefined',
      {
        eventId: 'c3',
        request: { ...request, dimensions: copy },
        outcome: { id: 'c3', status: 'success', message: '', code: undefined },
        changes: [
          change({}),
          change({ date: undefined }),
          change({ date: 'null' }),
          change({ productId: 'p2' }),
          change({ organizationId: 'x', productId: 'p1' }),
          change({ dimensions: copy }),
        ],
      },
    ],
    [
      'outcomes that look like the plain success but are not',
      { eventId: 'c4', request: null, outcome: { status: 'success', id: 'c4', message: '' }, changes: [] },
    ],
    [
      'an outcome of another class',
      {
        eventId: 'c5',
        request: { organizationId: 'usmf', productId: 'p1', dimensions: null },
        outcome: new (class Outcome {
          id = 'c5';
          status = 'success';
          message = '';
        })(),
        changes: [change({})],
      },
    ],
    [
      'no changes at all',
      { eventId: 'c6', request: 'text', outcome: { id: 'c6', status: 'success', message: '' }, changes: [] },
    ],
  ];
  it.each(entries)('of %s are the bytes written before', (_, entry) => {
    expect(storedTexts(entry, 2)).toEqual(recordedTexts(entry));
  });
});
