import { describe, expect, it } from 'vitest';
import { type LoggedEntry, logRows, parseLogHistory } from '../../src/domain/log-history/log-request.js';
import { expectFailure } from './helpers.js';

const body = { id: 'log-1', organizationId: 'usmf', UtcFromDate: '2023/8/23', UtcToDate: '2023/8/23' };

describe('log-history requests (spec §2.12)', () => {
  it.each([
    ['2023/8/23', '2023/8/23', '2023-08-23T00:00:00.000Z', '2023-08-24T00:00:00.000Z'],
    ['2023-08-23', '2023-08-24', '2023-08-23T00:00:00.000Z', '2023-08-25T00:00:00.000Z'],
    ['2023/12/31', '2023/12/31', '2023-12-31T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    [
      '2023-08-23T10:00:00Z',
      '2023-08-23T12:30:00+02:00',
      '2023-08-23T10:00:00.000Z',
      '2023-08-23T10:30:00.000Z',
    ],
  ])('reads %s … %s as [%s, %s)', (from, to, start, end) => {
    expect(parseLogHistory({ ...body, UtcFromDate: from, UtcToDate: to })).toMatchObject({
      from: start,
      until: end,
    });
  });

  it.each([
    [{ UtcFromDate: '2023/2/30' }, 'invalid_date', '/UtcFromDate'],
    [{ UtcToDate: 'tomorrow' }, 'invalid_date', '/UtcToDate'],
    [{ UtcFromDate: '2023/8/24' }, 'invalid_date_range', '/UtcToDate'],
    [{ id: '' }, 'invalid_id', '/id'],
    [{ organizationId: 'a\u0000' }, 'invalid_id', '/organizationId'],
  ] as const)('refuses %j', (change, code, path) => {
    expectFailure(() => parseLogHistory({ ...body, ...change }), code, path);
  });

  it('selects the changes of the organization, product and dimensions recorded within the range', () => {
    const request = parseLogHistory({ ...body, productId: 'P', dimensions: { SiteId: '1' } });
    expect(request.dimensions).toEqual({ siteid: '1' });
    const change = (fields: Record<string, unknown>) => ({
      organizationId: 'usmf',
      productId: 'P',
      dimensions: { siteid: '1', locationid: '11' },
      dataSource: 'pos',
      measure: 'inbound',
      delta: 2_500_000n,
      ...fields,
    });
    const entry = (recordedAt: string, changes: LoggedEntry['changes']): LoggedEntry => ({
      position: 7,
      recordedAt,
      kind: 'onhand.change',
      eventId: 'e',
      clientId: 'erp',
      changes,
    });
    const inside = '2023-08-23T12:00:00.000Z';
    const rows = logRows(
      request,
      entry(inside, [
        change({}),
        change({ organizationId: 'other' }),
        change({ productId: 'Q' }),
        change({ dimensions: { siteid: '2' } }),
        change({ measure: 'outbound', delta: -1n, date: '2023-08-30' }),
      ]),
    );
    expect(rows).toEqual([
      expect.objectContaining({
        position: 7,
        apiType: 'onhand.change',
        measure: 'inbound',
        quantity: '2500000',
      }),
      expect.objectContaining({ measure: 'outbound', quantity: '-1', date: '2023-08-30' }),
    ]);
    expect(logRows(request, entry('2023-08-24T00:00:00.000Z', [change({})]))).toEqual([]);
    expect(logRows(request, entry('2023-08-22T23:59:59.999Z', [change({})]))).toEqual([]);
  });
});
