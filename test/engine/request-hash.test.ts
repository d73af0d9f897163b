import { describe, expect, it } from 'vitest';
import { formatQty, parseQty } from '../../src/domain/quantity.js';
import { bodyHash } from '../../src/engine/body-hash.js';
import { requestHash } from '../../src/engine/request-hash.js';

const event = {
  id: 'e-1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensionDataSource: 'pos',
  dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
  quantities: { pos: { inbound: 1 } },
};

describe('the idempotency hash of a request as sent', () => {
  it.each<[string, unknown]>([
    [
      'keys in another case',
      {
        ...event,
        quantities: { POS: { Inbound: 1 } },
        dimensions: { SITEID: '1', locationid: '11', ColorId: 'red' },
      },
    ],
    ['a quantity as a string', { ...event, quantities: { pos: { inbound: '1.0' } } }],
    ['a data source name in another case', { ...event, dimensionDataSource: 'POS' }],
    [
      'keys in another order',
      {
        quantities: event.quantities,
        dimensions: event.dimensions,
        productId: 'T-shirt',
        organizationId: 'usmf',
        id: 'e-1',
        dimensionDataSource: 'pos',
      },
    ],
  ])('is the same for %s', (_name, other) => {
    expect(requestHash(other)).toBe(requestHash(event));
  });

  it.each<[string, unknown]>([
    ['another quantity', { ...event, quantities: { pos: { inbound: 2 } } }],
    ['another dimension value', { ...event, dimensions: { ...event.dimensions, colorId: 'Red' } }],
    [
      'a dimension that is not stored',
      { ...event, dimensions: { ...event.dimensions, posMachineId: '0001' } },
    ],
    ['another product', { ...event, productId: 't-shirt' }],
  ])('differs for %s', (_name, other) => {
    expect(requestHash(other)).not.toBe(requestHash(event));
  });

  it('reads instants as instants and a null field as an absent one', () => {
    const reserve = { id: 'r', quantity: 1, expiresAt: '2026-12-01T10:00:00Z' };
    expect(requestHash({ ...reserve, expiresAt: '2026-12-01T11:00:00.000+01:00' })).toBe(
      requestHash(reserve),
    );
    expect(requestHash({ ...reserve, quantityDataSource: null })).toBe(requestHash(reserve));
    const count = { id: 'c', modifiedDateTimeUTC: '2026-12-01T10:00:00' };
    expect(requestHash({ ...count, modifiedDateTimeUTC: '2026-12-01T10:00:00Z' })).toBe(requestHash(count));
    expect(requestHash({ ...reserve, expiresAt: '2026-12-01T10:00:01Z' })).not.toBe(requestHash(reserve));
  });
});

/**
 * The normalisation as first written (a normalised copy, then body-hash.ts's bodyHash): hashes
 * recorded in ledgers were made this way, so the one-pass text of requestHash must give the same bytes.
 */
function recordedHash(input: unknown): string {
  type Mode = 'plain' | 'dated' | 'quantities' | 'measures' | 'quantity' | 'name' | 'instant';
  const quantityFields = new Set(['quantity', 'offsetqty']);
  const instantFields = new Set(['expiresat', 'modifieddatetimeutc']);
  const nameFields = new Set(['dimensiondatasource', 'quantitydatasource', 'modifier']);
  const childMode = (mode: Mode, key: string): Mode => {
    if (mode === 'dated') return 'quantities';
    if (mode === 'quantities') return 'measures';
    if (mode === 'measures') return 'quantity';
    if (key === 'quantities') return 'quantities';
    if (key === 'quantitiesbydate' || key === 'quantitybydate') return 'dated';
    if (quantityFields.has(key)) return 'quantity';
    if (nameFields.has(key)) return 'name';
    if (instantFields.has(key)) return 'instant';
    return 'plain';
  };
  const instantText = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    const zoned = /(?:z|[+-]\d{2}:?\d{2})$/i.test(text) || text.length <= 10 ? text : `${text}Z`;
    const millis = Date.parse(zoned);
    return Number.isNaN(millis) ? text : new Date(millis).toISOString();
  };
  const quantityText = (value: unknown): string => {
    try {
      return formatQty(parseQty(value, ''));
    } catch {
      return `invalid:${typeof value}:${String(value)}`;
    }
  };
  const canonical = (value: unknown, mode: Mode): unknown => {
    if (mode === 'quantity') return quantityText(value);
    if (mode === 'name') return typeof value === 'string' ? value.trim().toLowerCase() : value;
    if (mode === 'instant') return instantText(value);
    if (Array.isArray(value)) return value.map((item) => canonical(item, 'plain'));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === null || item === undefined) continue;
      const lower = key.toLowerCase();
      out[lower === 'quantitybydate' ? 'quantitiesbydate' : lower] = canonical(item, childMode(mode, lower));
    }
    return out;
  };
  return bodyHash(canonical(input, 'plain'));
}

describe('the one-pass hash text', () => {
  const tricky: [string, unknown][] = [
    ['an on-hand event', event],
    [
      'a reservation',
      { id: 'r', quantity: '1.50', modifier: ' SoftReserved ', expiresAt: '2026-12-01T10:00' },
    ],
    ['numeric and mixed keys', { dimensions: { b: '1', 10: 'x', 9: 'y', a: '2', '01': 'z' }, id: 'n' }],
    ['keys that collide once lower-cased', { Id: 'a', id: 'b', quantityByDate: 1, quantitiesByDate: 2 }],
    ['a schedule', { id: 's', quantitiesByDate: { '2026-12-01': { pos: { inbound: '2' } } } }],
    [
      'names and instants that are not strings',
      { modifier: { B: 1, a: null }, expiresAt: 5, offsetQty: 'x' },
    ],
    ['arrays with holes and nulls', { list: [1, null, undefined, 'a', [2, { Z: 1, y: null }]] }],
    ['odd numbers', { a: -0, b: 1e21, c: 0.1, d: Number.NaN, e: Number.POSITIVE_INFINITY, f: 10n }],
    ['a __proto__ field', JSON.parse('{"id":"p","__proto__":{"x":1},"Q":true}')],
    ['unicode keys', { é: 1, e: 2, Z: 3, '\u{1F600}': 4, '\uFFFF': 5 }],
    ['top-level values', 'text'],
    ['an array body', [event, { ...event, id: 'e-2' }]],
    ['a date and a map', { when: new Date(0), map: new Map([['a', 1]]) }],
    ['a name given twice, the later one a function', { Id: 'a', id: () => 1, ID: null, b: 1 }],
    ['names given three times', { B: 1, b: 2, A: 'x', a: 'y', 2: 'n', '02': 'm', Q: true, q: false }],
    [
      'whole quantities at and beyond the range',
      { quantity: 1e12, offsetQty: -1e12, q: { quantity: 1e12 + 1 }, r: { quantity: -0 } },
    ],
    ['quantities that are not whole', { quantity: 1.5, offsetQty: 2 ** 53, x: { quantity: 1e21 } }],
  ];
  it.each(tricky)('is the recorded hash for %s', (_name, input) => {
    expect(requestHash(input)).toBe(recordedHash(input));
  });

  it('is the recorded hash for many generated requests', () => {
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const keys = [
      'id',
      'ID',
      'quantity',
      'Modifier',
      'expiresAt',
      'quantities',
      'dimensions',
      '7',
      '12',
      'b',
      'A',
    ];
    const leaf = (): unknown =>
      [
        () => 'v',
        () => ' Mixed ',
        () => Math.floor(random() * 100) / 10,
        () => null,
        () => true,
        () => '2026-01-02T03:04:05+02:00',
      ][Math.floor(random() * 6)]?.();
    const value = (depth: number): unknown => {
      const pick = random();
      if (depth > 3 || pick < 0.4) return leaf();
      if (pick < 0.55) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--)
        out[keys[Math.floor(random() * keys.length)] as string] = value(depth + 1);
      return out;
    };
    for (let i = 0; i < 2000; i++) {
      const input = value(0);
      expect(requestHash(input)).toBe(recordedHash(input));
    }
  });
});
