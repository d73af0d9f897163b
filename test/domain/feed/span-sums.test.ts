import { describe, expect, it } from 'vitest';
import { type SpanChange, SpanSums } from '../../../src/domain/feed/span-sums.js';

/*
 * SpanSums: the net change per stored value of one environment's entries over a checkpoint span. A
 * value is keyed by partition, organization, product, place (dimensionsKey), data source, measure and
 * date; a value the span brought into being is kept even at a net change of zero; deltas come in the
 * order of each value's first change.
 */
const red = { colorId: 'red', siteId: '1' };
const blue = { colorId: 'blue', siteId: '1' };
const change = (over: Partial<SpanChange> = {}): SpanChange => ({
  organizationId: 'usmf',
  productId: 'P',
  dimensions: red,
  dataSource: 'pos',
  measure: 'inbound',
  delta: 1n,
  ...over,
});

type Entry = { partition?: string; changes: SpanChange[] };
const sum = (entries: readonly Entry[]) => {
  const sums = new SpanSums();
  for (const e of entries) sums.add(e.partition ?? 'p', e.changes);
  return { deltas: sums.deltas(), size: sums.size };
};

describe('SpanSums', () => {
  describe('the key: one value per distinct key, summed', () => {
    const table: [string, Entry[], number][] = [
      ['the same value twice', [{ changes: [change()] }, { changes: [change()] }], 1],
      ['another partition', [{ changes: [change()] }, { partition: 'q', changes: [change()] }], 2],
      ['another organization', [{ changes: [change(), change({ organizationId: 'other' })] }], 2],
      ['another product', [{ changes: [change(), change({ productId: 'Q' })] }], 2],
      ['another place', [{ changes: [change(), change({ dimensions: blue })] }], 2],
      ['the same place, another object', [{ changes: [change(), change({ dimensions: { ...red } })] }], 1],
      ['another data source', [{ changes: [change(), change({ dataSource: 'iv' })] }], 2],
      ['another measure', [{ changes: [change(), change({ measure: 'outbound' })] }], 2],
      ['a date', [{ changes: [change(), change({ date: '2026-12-05' })] }], 2],
      ['two dates', [{ changes: [change({ date: '2026-12-05' }), change({ date: '2026-12-06' })] }], 2],
    ];
    it.each(table)('%s', (_, entries, values) => {
      const { deltas, size } = sum(entries);
      expect(size).toBe(values);
      expect(deltas.length).toBe(values);
      const total = entries.reduce((n, e) => n + e.changes.reduce((m, c) => m + c.delta, 0n), 0n);
      expect(deltas.reduce((n, d) => n + d.delta, 0n)).toBe(total);
    });
  });

  describe('the created rule: a value back at zero is kept only when the span brought it into being', () => {
    const table: [string, SpanChange[], { delta: bigint; created: boolean } | undefined][] = [
      ['a change', [change({ delta: 3n })], { delta: 3n, created: false }],
      ['back to zero', [change({ delta: 3n }), change({ delta: -3n })], undefined],
      [
        'created, back to zero',
        [change({ delta: 3n, created: true }), change({ delta: -3n })],
        { delta: 0n, created: true },
      ],
      ['created at zero', [change({ delta: 0n, created: true })], { delta: 0n, created: true }],
      [
        'created by a later change',
        [change({ delta: 2n }), change({ delta: -2n, created: true })],
        undefined,
      ],
      [
        'created by a later change, not at zero',
        [change({ delta: 2n }), change({ delta: 1n, created: true })],
        { delta: 3n, created: false },
      ],
    ];
    it.each(table)('%s', (_, changes, expected) => {
      const { deltas } = sum(changes.map((c) => ({ changes: [c] })));
      expect(deltas.map(({ delta, created }) => ({ delta, created }))[0]).toEqual(expected);
      expect(deltas.length).toBe(expected ? 1 : 0);
    });
  });

  describe('the order: values in the order of their first change', () => {
    const table: [string, Entry[], string[]][] = [
      ['one entry', [{ changes: [change({ productId: 'B' }), change({ productId: 'A' })] }], ['B', 'A']],
      [
        'a later change does not move a value',
        [
          { changes: [change({ productId: 'B' })] },
          { changes: [change({ productId: 'A' }), change({ productId: 'B' })] },
        ],
        ['B', 'A'],
      ],
      [
        'a value gone to zero keeps no place',
        [
          { changes: [change({ productId: 'C' }), change({ productId: 'B' })] },
          { changes: [change({ productId: 'C', delta: -1n }), change({ productId: 'A' })] },
        ],
        ['B', 'A'],
      ],
    ];
    it.each(table)('%s', (_, entries, products) => {
      expect(sum(entries).deltas.map((d) => d.productId)).toEqual(products);
    });
  });

  it('gives each delta its partition, place and date (null without one), and copies it out', () => {
    const sums = new SpanSums();
    sums.add('p', [change({ date: '2026-12-05' })]);
    sums.add('q', [change()]);
    const [dated, plain] = sums.deltas();
    expect(dated).toMatchObject({ partitionId: 'p', dimensions: red, date: '2026-12-05', delta: 1n });
    expect(plain).toMatchObject({ partitionId: 'q', date: null, delta: 1n, created: false });
    sums.add('q', [change()]);
    expect(plain?.delta).toBe(1n);
    expect(sums.deltas()[1]?.delta).toBe(2n);
  });
});
