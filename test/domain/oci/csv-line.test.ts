import { describe, expect, it } from 'vitest';
import { readCsvHeader, readCsvRow, splitCsv } from '../../../src/domain/oci/imports/csv-line.js';

const NOW = new Date('2026-12-04T00:00:00Z');

describe('CSV availability rows (csv-line.ts)', () => {
  it('splits cells with RFC 4180 quoting on one line', () => {
    expect(splitCsv('a,"b,c","d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
    expect(splitCsv('"open')).toMatch(/not closed/);
    expect(splitCsv('"a"b')).toMatch(/closing quote/);
    expect(splitCsv('a"b')).toMatch(/unquoted/);
  });

  it('reads a header (any order, case-insensitive, location alias, numbered future pairs) or says why not', () => {
    const columns = readCsvHeader('SKU,location,RecordId,futureQuantity2,futureExpectedDate2');
    expect(columns).toEqual({
      cells: [
        { field: 'sku' },
        { field: 'locationId' },
        { field: 'recordId' },
        { future: '2', part: 'quantity' },
        { future: '2', part: 'expectedDate' },
      ],
      futures: ['2'],
    });
    expect(readCsvHeader('recordId,sku')).toEqual({ error: expect.stringMatching(/locationId/) });
    expect(readCsvHeader('recordId,sku,locationId,location')).toEqual({
      error: expect.stringMatching(/twice/),
    });
    expect(readCsvHeader('recordId,sku,locationId,futureQuantity')).toEqual({
      error: expect.stringMatching(/pairs/),
    });
  });

  it('makes a record of a row: numbers, empty cells deleted, futures paired', () => {
    const columns = readCsvHeader(
      'recordId,sku,locationId,onHand,safetyStockCount,futureQuantity,futureExpectedDate',
    );
    if ('error' in columns) throw new Error(columns.error);
    expect(readCsvRow('r1,sku1,loc-1,5,,2,2026-12-10T00:00:00Z', columns, NOW)).toEqual({
      kind: 'record',
      layout: 'perLine',
      record: {
        id: 'r1',
        sku: 'sku1',
        locationId: 'loc-1',
        onHand: 5,
        safetyStockCount: null,
        futures: [{ quantity: 2, expectedDate: '2026-12-10T00:00:00Z' }],
      },
    });
    expect(readCsvRow('r2,sku1,loc-1,,1,,', columns, NOW)).toMatchObject({
      record: { onHand: null, safetyStockCount: 1, futures: null },
    });
    expect(readCsvRow('r3,sku1,loc-1,five,1,,', columns, NOW)).toMatchObject({
      kind: 'error',
      code: 'InvalidRequestParameter',
      recordId: 'r3',
    });
    expect(readCsvRow(',sku1,loc-1,1,1,,', columns, NOW)).toMatchObject({
      kind: 'error',
      message: /recordId/,
    });
    expect(readCsvRow('r4,sku1', columns, NOW)).toMatchObject({ kind: 'error', code: 'CsvColumnCount' });
    expect(readCsvRow('   ', columns, NOW)).toEqual({ kind: 'blank' });
  });
});
