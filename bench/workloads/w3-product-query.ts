import { load } from '../load.js';
import { expectNoErrors, type Measurement, ratio, type Workload } from '../workload.js';
import { changeEvent, ORG } from './events.js';
import { seed } from './seed.js';

/** A product with 4 variants (2 colours × 2 sizes) stocked in 10 stores: an answer of 40 rows. */
const COLORS = ['red', 'blue'];
const SIZES = ['M', 'L'];
const SITES = 2;
const LOCATIONS_PER_SITE = 5;

/** W3: one product across all its locations, grouped by colour and size, at 1, 16 and 64 clients. */
export const w3ProductQuery: Workload = {
  id: 'W3',
  title: 'single-product query (index query, grouped by colour and size)',
  environmentId: 'w3',
  writes: false,
  async run(ctx) {
    const events: string[] = [];
    for (let site = 1; site <= SITES; site++)
      for (let location = 1; location <= LOCATIONS_PER_SITE; location++)
        for (const colorId of COLORS)
          for (const sizeId of SIZES) {
            events.push(
              changeEvent(
                `seed-${site}-${location}-${colorId}-${sizeId}`,
                'Q1',
                {
                  siteId: String(site),
                  locationId: `${site}${location}`,
                  colorId,
                  sizeId,
                },
                5,
              ),
            );
          }
    await seed(ctx, 'w3', events);
    const body = JSON.stringify({
      filters: { organizationId: [ORG], productId: ['Q1'] },
      groupByValues: ['colorId', 'sizeId'],
      returnNegative: true,
    });
    const measurements: Measurement[] = [];
    for (const connections of [1, 16, 64]) {
      const result = await load({
        url: ctx.url,
        token: ctx.token,
        request: { method: 'POST', path: '/api/environment/w3/onhand/indexquery', body },
        connections,
        seconds: ctx.seconds,
      });
      expectNoErrors('W3', result);
      if (result.non2xx > 0) throw new Error(`W3: ${result.non2xx} queries failed`);
      const ceiling = ctx.http.get.get(connections)?.rps ?? 0;
      measurements.push({
        workload: 'W3',
        label: `product query, ${connections} clients`,
        unit: 'req/s',
        value: result.rps,
        p50: result.p50,
        p99: result.p99,
        baseline: { name: `HTTP ceiling, ${connections} conn.`, value: ceiling },
        ratio: ratio(result.rps, ceiling),
        ...(connections === 64
          ? {
              target: '≥ 0.5 × HTTP ceiling, p99 < 10 ms',
              met: ratio(result.rps, ceiling) >= 0.5 && result.p99 < 10,
            }
          : {}),
        notes: `${events.length} stock rows in ${SITES * LOCATIONS_PER_SITE} locations, ${events.length} answer rows`,
      });
    }
    return { measurements, acknowledgedEvents: 0 };
  },
};
