import { describe, expect, it } from 'vitest';
import { readImportLine } from '../../../src/domain/oci/imports/import-line.js';
import { importStatus } from '../../../src/domain/oci/imports/import-status.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const read = (line: unknown, location?: string) =>
  readImportLine(typeof line === 'string' ? line : JSON.stringify(line), location, NOW);

/** The lines of an availability import file (spec §4.2), one rule per row. */
describe('reading an import line', () => {
  it('reads the spec example of the per-line layout', () => {
    const line =
      '{"recordId":"0a87539d-f3dd-47bc-91c7-9c752e39dbe0","onHand":10,"sku":"sku1","effectiveDate":"2020-04-08T14:05:22.790896-07:00","futures":[{"quantity":1,"expectedDate":"2027-04-18T14:05:22.781-07:00"}],"safetyStockCount":0,"locationId":"wickenburg"}';
    expect(read(line)).toEqual({
      kind: 'record',
      layout: 'perLine',
      record: {
        id: '0a87539d-f3dd-47bc-91c7-9c752e39dbe0',
        sku: 'sku1',
        locationId: 'wickenburg',
        onHand: 10,
        safetyStockCount: 0,
        effectiveDate: '2020-04-08T14:05:22.790896-07:00',
        futures: [{ quantity: 1, expectedDate: '2027-04-18T14:05:22.781-07:00' }],
      },
    });
  });

  it('reads legacy headers with location or locationId, and records under them', () => {
    expect(read({ location: 'wickenburg', mode: 'UPDATE' })).toEqual({
      kind: 'header',
      location: 'wickenburg',
    });
    expect(read({ locationId: 'prescott', mode: 'UPDATE' })).toEqual({
      kind: 'header',
      location: 'prescott',
    });
    expect(read({ recordId: 'a', sku: 'sku1', onHand: 1 }, 'prescott')).toMatchObject({
      kind: 'record',
      layout: 'legacy',
      record: { locationId: 'prescott', onHand: 1 },
    });
    expect(read('   ')).toEqual({ kind: 'blank' });
  });

  it('keeps null (delete the field) apart from absent (untouched)', () => {
    const line = read({ recordId: 'a', sku: 'sku1', locationId: 'l1', onHand: null });
    expect(line).toMatchObject({ kind: 'record', record: { onHand: null } });
    expect(line.kind === 'record' && 'safetyStockCount' in line.record).toBe(false);
  });

  it.each([
    ['not JSON', 'nope', 'not valid JSON'],
    ['an array', '[1]', 'not a JSON object'],
    ['another mode', { location: 'l1', mode: 'DELETE' }, "Only 'mode': 'UPDATE'"],
    ['a header without location', { mode: 'UPDATE' }, "needs 'location'"],
    ['no recordId', { sku: 'sku1', locationId: 'l1' }, "'recordId' is required"],
    ['a one-letter sku', { recordId: 'a', sku: 's', locationId: 'l1' }, "'sku' must be"],
    ['a sku with a slash', { recordId: 'a', sku: 'a/b', locationId: 'l1' }, "'sku' must be"],
    [
      'a recordId with a control character',
      { recordId: 'a\u0001b', sku: 'sku1', locationId: 'l1' },
      'control',
    ],
    [
      'a recordId of 128 characters ending in a tab',
      { recordId: `${'r'.repeat(127)}\t`, sku: 'sku1', locationId: 'l1' },
      'control characters',
    ],
    [
      'a recordId with a lone surrogate',
      { recordId: 'a\ud800', sku: 'sku1', locationId: 'l1' },
      'surrogates',
    ],
    ['a sku with a space', { recordId: 'a', sku: 'a b', locationId: 'l1' }, "'sku' must be"],
    ['a bad location', { recordId: 'a', sku: 'sku1', locationId: 'l 1' }, "'locationId' must be"],
    ['no location at all', { recordId: 'a', sku: 'sku1' }, 'needs a header line'],
    ['a negative onHand', { recordId: 'a', sku: 'sku1', locationId: 'l1', onHand: -1 }, "'onHand' must be"],
    ['four decimals', { recordId: 'a', sku: 'sku1', locationId: 'l1', onHand: 1.0001 }, "'onHand' must be"],
    [
      'a string quantity',
      { recordId: 'a', sku: 'sku1', locationId: 'l1', safetyStockCount: '1' },
      "'safetyStockCount'",
    ],
    [
      'a bad date',
      { recordId: 'a', sku: 'sku1', locationId: 'l1', effectiveDate: '2026-13-01' },
      "'effectiveDate'",
    ],
    [
      'a future of 0',
      {
        recordId: 'a',
        sku: 'sku1',
        locationId: 'l1',
        futures: [{ quantity: 0, expectedDate: '2027-01-01T00:00:00Z' }],
      },
      'positive',
    ],
    [
      'a past future',
      {
        recordId: 'a',
        sku: 'sku1',
        locationId: 'l1',
        futures: [{ quantity: 1, expectedDate: '2026-01-01T00:00:00Z' }],
      },
      'in the future',
    ],
    [
      'an unknown field',
      { recordId: 'a', sku: 'sku1', locationId: 'l1', onhand: 1 },
      "'onhand' is not a field",
    ],
  ])('refuses %s', (_name, line, message) => {
    const read_ = read(line);
    expect(read_.kind).toBe('error');
    expect(read_.kind === 'error' && read_.message).toContain(message);
  });

  it('names the record a refused line was for', () => {
    expect(read({ recordId: 'r9', sku: 'sku1', locationId: 'l1', onHand: -2 })).toMatchObject({
      recordId: 'r9',
      sku: 'sku1',
      locationId: 'l1',
    });
  });
});

describe('the status of an import', () => {
  const base = { linkExpiresAt: '2026-12-03T12:10:00Z', validationError: null, jobStatus: undefined };
  it.each([
    [{ ...base, state: 'WAITING' as const }, NOW, 'WAITING'],
    [{ ...base, state: 'WAITING' as const }, new Date('2026-12-03T12:10:00Z'), 'EXPIRED'],
    [{ ...base, state: 'UPLOADED' as const }, NOW, 'PENDING'],
    [{ ...base, state: 'UPLOADED' as const, jobStatus: 'Running' as const }, NOW, 'RUNNING'],
    [{ ...base, state: 'UPLOADED' as const, jobStatus: 'Completed' as const }, NOW, 'COMPLETED'],
    [{ ...base, state: 'UPLOADED' as const, jobStatus: 'Failed' as const }, NOW, 'FAILED'],
    [{ ...base, state: 'UPLOADED' as const, validationError: 'hash' }, NOW, 'FAILED'],
  ])('%o at %s is %s', (input, now, status) => {
    expect(importStatus(input, now)).toBe(status);
  });
});
