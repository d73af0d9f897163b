import { describe, expect, it } from 'vitest';
import { atpByDay, bikeSchedule, example, exampleText } from '../schedule-helpers.js';
import { atpQuery, call, query, schedule, setNow } from './schedules-app.js';

/**
 * The vendor's 180-day ATP examples and the week of receipts and sales of docs/api.md: part of
 * schedules.test.ts, registered there in its order on its app.
 */
export function describeAtpExamples(): void {
  describe('the vendor’s 180-day ATP examples, posted as they are (test/fixtures/iv-examples/atp180_*)', () => {
    it('a change schedule gets the vendor’s response', async () => {
      await setNow('2023-09-08T09:00:00Z');
      const res = await schedule('fixture', example('atp180_changeschedule.request.json'));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(example('atp180_changeschedule.response.json'));
    });

    it('a bulk change schedule gets the vendor’s buckets', async () => {
      await setNow('2023-09-08T09:00:00Z');
      const res = await call(
        'POST',
        'fixturebulk',
        '/onhand/changeschedule/bulk',
        example('atp180_changeschedulebulk.request.json'),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(example('atp180_changeschedulebulk.response.json'));
    });

    it('the GET query returns the vendor’s rows: 30 days from the query date, ATP 0 before the first supply', async () => {
      await setNow('2023-09-26T09:00:00Z');
      const site = { siteId: '1', locationId: '11' };
      for (const body of [
        bikeSchedule('get-1', { '2023-10-01': { iv: { ordered: 10 } } }),
        bikeSchedule('get-2', { '2023-10-02': { iv: { ordered: 10 } } }),
        bikeSchedule('get-3', { '2023-10-01': { iv: { ordered: 10 } } }, site),
      ]) {
        expect((await schedule('fixtureget', body)).statusCode).toBe(200);
      }
      const url = new URL(exampleText('atp180_query_by_GET.request.txt').trim()).search;
      const res = await call('GET', 'fixtureget', `/onhand${url}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(example('atp180_query_by_GET.response.json'));
    });

    it('the index query returns the vendor’s rows for ATPFromDate … ATPToDate', async () => {
      await setNow('2023-09-26T09:00:00Z');
      expect(
        (await schedule('fixtureindex', bikeSchedule('ix-1', { '2023-10-01': { iv: { ordered: 10 } } })))
          .statusCode,
      ).toBe(200);
      const res = await query('fixtureindex', example('atp180_indexquery.request.json'));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(example('atp180_indexquery.response.json'));
    });

    it('the exact query returns the same row over the whole period', async () => {
      await setNow('2023-09-26T09:00:00Z');
      const res = await call(
        'POST',
        'fixtureindex',
        '/onhand/exactquery',
        example('atp180_exactquery.request.json'),
      );
      expect(res.statusCode, res.body).toBe(200);
      const [expected] = example('atp180_indexquery.response.json') as Record<string, unknown>[];
      const rows = res.json() as Record<string, unknown>[];
      expect(rows).toHaveLength(1);
      expect(rows[0]?.quantitiesByDate).toEqual(expected?.quantitiesByDate);
      expect(rows[0]?.dimensions).toEqual(expected?.dimensions);
      const days = atpByDay(rows);
      expect(Object.keys(days)).toHaveLength(30);
      expect(days['2023-09-30']).toBe(0);
      expect(days['2023-10-01']).toBe(10);
      expect(days['2023-10-25']).toBe(10);
    });
  });

  describe('a week of receipts and sales (the worked example of docs/api.md)', () => {
    it('projects each day and promises the smallest projection ahead', async () => {
      await setNow('2024-03-04T08:00:00Z');
      const env = 'rules';
      const site = { siteId: '1', locationId: '11', colorId: 'blue', sizeId: 'm' };
      const stock = await call('POST', env, '/onhand', {
        id: 'week-stock',
        organizationId: 'usmf',
        productId: 'Kettle',
        dimensions: site,
        quantities: { pos: { inbound: 20 } },
      });
      expect(stock.statusCode).toBe(200);
      const plan = await schedule(
        env,
        bikeSchedule(
          'week-plan',
          {
            '2024-03-04': { pos: { outbound: 3 } },
            '2024-03-06': { pos: { inbound: 10 } },
            '2024-03-07': { pos: { outbound: 15 } },
            '2024-03-08': { pos: { inbound: 1 } },
            '2024-03-09': { pos: { inbound: 3 } },
          },
          site,
          'Kettle',
        ),
      );
      expect(plan.statusCode, plan.body).toBe(200);
      const res = await query(env, {
        ...atpQuery({ ATPToDate: '2024-03-10' }),
        filters: { organizationId: ['usmf'], productId: ['Kettle'], siteId: ['1'], locationId: ['11'] },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(atpByDay(res.json())).toEqual({
        '2024-03-04': 12,
        '2024-03-05': 12,
        '2024-03-06': 12,
        '2024-03-07': 12,
        '2024-03-08': 13,
        '2024-03-09': 16,
        '2024-03-10': 16,
      });
      const [row] = res.json() as { quantitiesByDate: Record<string, { pos: Record<string, number> }> }[];
      expect(Object.keys(row?.quantitiesByDate ?? {})).toEqual([
        '2024-03-04T00:00:00',
        '2024-03-06T00:00:00',
        '2024-03-07T00:00:00',
        '2024-03-08T00:00:00',
        '2024-03-09T00:00:00',
      ]);
      expect(row?.quantitiesByDate['2024-03-07T00:00:00']?.pos).toEqual({
        inbound: 0,
        outbound: 15,
        availquantity: -15,
      });
    });
  });
}
