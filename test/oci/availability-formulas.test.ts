import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type Future,
  groupRecord,
  type LocationStock,
  locationRecord,
} from '../../src/domain/oci/availability.js';
import { formatQty, type Qty, qtyOf } from '../../src/domain/quantity.js';

const q = (n: number | string): Qty => qtyOf(n);
const stock = (onHand: string, reserved: string, safety: string, futures: string[] = []): LocationStock => ({
  onHand: q(onHand),
  reserved: q(reserved),
  safetyStockCount: q(safety),
  futures: futures.map(
    (f, i): Future => ({ quantity: q(f), expectedDate: `2030-01-0${i + 1}T00:00:00.000Z` }),
  ),
  effectiveDate: null,
});
const shown = (r: { atf: Qty; ato: Qty }) => ({ atf: formatQty(r.atf), ato: formatQty(r.ato) });

describe('location availability (spec §5)', () => {
  it.each([
    // onHand, reserved, safety, futures → atf, ato
    ['27', '0', '10', ['10.25'], '17', '27.25'],
    ['50', '0', '20', ['10.25'], '30', '40.25'],
    ['10', '0', '2', [], '8', '8'],
    ['10', '6', '1', ['20'], '3', '23'],
    ['5', '0', '10', [], '0', '0'],
    ['5', '0', '10', ['3'], '0', '0'],
    ['5', '0', '10', ['8'], '0', '3'],
    ['0', '0', '0', ['0.001'], '0', '0.001'],
    ['0.1', '0.2', '0', ['0.3'], '0', '0.2'],
    ['1000000000', '0.001', '0', [], '999999999.999', '999999999.999'],
    ['-4', '0', '0', ['10'], '0', '10'],
    ['4', '-2', '0', [], '4', '4'],
  ] as const)(
    'onHand %s reserved %s safety %s futures %j → atf %s ato %s',
    (on, res, safety, futures, atf, ato) => {
      expect(shown(locationRecord('s', stock(on, res, safety, [...futures])))).toEqual({ atf, ato });
    },
  );

  it('never answers negative onHand or reserved', () => {
    const r = locationRecord('s', stock('-4', '-2', '0'));
    expect([formatQty(r.onHand), formatQty(r.reserved)]).toEqual(['0', '0']);
  });
});

describe('group availability (spec §5)', () => {
  it('sums the member locations, and the group reservations are subtracted', () => {
    const g = groupRecord('s', [stock('27', '0', '10', ['10.25']), stock('50', '0', '20', ['10.25'])], {
      groupReserved: q('10'),
      sharedGroupReserved: q('2.5'),
    });
    expect(formatQty(g.onHand)).toBe('77');
    expect(formatQty(g.reserved)).toBe('12.5');
    expect(formatQty(g.safetyStockCount)).toBe('30');
    expect(shown(g)).toEqual({ atf: '34.5', ato: '55' });
    expect(g.futures.map((f) => formatQty(f.quantity))).toEqual(['20.5']);
  });

  it('a location short of its safety stock lends no shortfall to the others', () => {
    const g = groupRecord('s', [stock('5', '0', '10'), stock('10', '0', '0')]);
    expect(shown(g)).toEqual({ atf: '10', ato: '10' });
  });
});

describe("the specification's GetAllLocationsResponse (test/fixtures/oci)", () => {
  interface Rec {
    onHand: number;
    reserved: number;
    safetyStockCount: number;
    atf: number;
    ato: number;
    futures: { quantity: number; expectedDate: string }[];
  }
  const example = JSON.parse(
    readFileSync(new URL('../fixtures/oci/get-all-locations-response.json', import.meta.url), 'utf8'),
  ) as { locations: { id: string; records: Rec[] }[]; groups: { id: string; records: Rec[] }[] };
  const stockOf = (r: Rec): LocationStock => ({
    onHand: q(r.onHand),
    reserved: q(r.reserved),
    safetyStockCount: q(r.safetyStockCount),
    futures: r.futures.map((f) => ({ quantity: q(f.quantity), expectedDate: f.expectedDate })),
    effectiveDate: null,
  });

  it.each(example.locations.map((l) => [l.id, l.records[0] as Rec] as const))(
    'location %s',
    (_id, record) => {
      expect(shown(locationRecord('sku123', stockOf(record)))).toEqual({
        atf: formatQty(q(record.atf)),
        ato: formatQty(q(record.ato)),
      });
    },
  );

  it('group arizona is the sum of its locations', () => {
    const expected = example.groups[0]?.records[0] as Rec;
    const members = example.locations.map((l) => stockOf(l.records[0] as Rec));
    const g = groupRecord('sku123', members);
    expect({ ...shown(g), onHand: formatQty(g.onHand), safety: formatQty(g.safetyStockCount) }).toEqual({
      atf: formatQty(q(expected.atf)),
      ato: formatQty(q(expected.ato)),
      onHand: formatQty(q(expected.onHand)),
      safety: formatQty(q(expected.safetyStockCount)),
    });
    expect(g.futures.map((f) => formatQty(f.quantity))).toEqual(
      expected.futures.map((f) => formatQty(q(f.quantity))),
    );
  });
});
