import { load } from '../load.js';
import { postJson } from '../server.js';
import { type BenchContext, expectNoErrors, type Measurement, ratio, type Workload } from '../workload.js';
import { changeEvent, ORG } from './events.js';
import { seed } from './seed.js';

/** The W3 product (4 variants in 10 stores), here with a change scheduled for every day of 30. */
const COLORS = ['red', 'blue'];
const SIZES = ['M', 'L'];
const SITES = 2;
const LOCATIONS_PER_SITE = 5;
const DAYS = 30;

/**
 * W6: ATP queries (QueryATP) over a 30-day schedule: a product in 40 variant-locations, each with a
 * scheduled change on every day of the period. Measured: the storefront's question (one variant in one
 * store, 30 days) at 1, 16 and 64 clients against the HTTP ceiling, next to the same query without
 * QueryATP in the same run (the price of ATP); and the planner's question (the whole product, 40 rows ×
 * 30 days) at 16 clients.
 */
export const w6AtpQuery: Workload = {
  id: 'W6',
  title: 'ATP query over a 30-day schedule (index query with QueryATP)',
  environmentId: 'w6',
  writes: false,
  async run(ctx) {
    await enableSchedules(ctx);
    const stock: string[] = [];
    const schedules: unknown[] = [];
    const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    for (let site = 1; site <= SITES; site++)
      for (let location = 1; location <= LOCATIONS_PER_SITE; location++)
        for (const colorId of COLORS)
          for (const sizeId of SIZES) {
            const dimensions = { siteId: String(site), locationId: `${site}${location}`, colorId, sizeId };
            const key = `${site}-${location}-${colorId}-${sizeId}`;
            stock.push(changeEvent(`seed-${key}`, 'A1', dimensions, 50));
            const quantitiesByDate: Record<string, unknown> = {};
            for (let day = 0; day < DAYS; day++) {
              const date = new Date(today + day * 86_400_000).toISOString().slice(0, 10);
              quantitiesByDate[date] = { pos: day % 3 === 2 ? { inbound: 12 } : { outbound: 4 } };
            }
            schedules.push({
              id: `plan-${key}`,
              organizationId: ORG,
              productId: 'A1',
              dimensions,
              quantitiesByDate,
            });
          }
    await seed(ctx, 'w6', stock);
    const bulk = (await postJson(
      `${ctx.url}/api/environment/w6/onhand/changeschedule/bulk`,
      ctx.token,
      schedules,
    )) as {
      failure: unknown[];
    };
    if (bulk.failure.length > 0)
      throw new Error(`W6: seeding schedules failed: ${JSON.stringify(bulk.failure[0])}`);
    const path = '/api/environment/w6/onhand/indexquery';
    const product = {
      filters: { organizationId: [ORG], productId: ['A1'] },
      groupByValues: ['colorId', 'sizeId'],
      returnNegative: true,
    };
    // What a storefront asks: one variant in one store, every day of the period.
    const oneVariant = {
      ...product,
      filters: { ...product.filters, siteId: ['1'], locationId: ['11'], colorId: ['red'], sizeId: ['M'] },
    };
    const run = async (query: object, connections: number) => {
      const result = await load({
        url: ctx.url,
        token: ctx.token,
        request: { method: 'POST', path, body: JSON.stringify(query) },
        connections,
        seconds: ctx.seconds,
      });
      expectNoErrors('W6', result);
      if (result.non2xx > 0) throw new Error(`W6: ${result.non2xx} queries failed`);
      return result;
    };
    const plain = await run(oneVariant, 16);
    const measurements: Measurement[] = [];
    const measure = (
      label: string,
      result: Awaited<ReturnType<typeof run>>,
      connections: number,
      notes: string,
    ) => {
      const ceiling = ctx.http.get.get(connections)?.rps ?? 0;
      measurements.push({
        workload: 'W6',
        label,
        unit: 'req/s',
        value: result.rps,
        p50: result.p50,
        p99: result.p99,
        baseline: { name: `HTTP ceiling, ${connections} conn.`, value: ceiling },
        ratio: ratio(result.rps, ceiling),
        notes,
      });
    };
    for (const connections of [1, 16, 64]) {
      const result = await run({ ...oneVariant, QueryATP: true }, connections);
      const without = connections === 16 ? `; without QueryATP: ${Math.round(plain.rps)} req/s` : '';
      measure(
        `ATP, one variant, ${connections} clients`,
        result,
        connections,
        `1 row × ${DAYS} days${without}`,
      );
    }
    const whole = await run({ ...product, QueryATP: true }, 16);
    measure(
      'ATP, whole product, 16 clients',
      whole,
      16,
      `40 rows × ${DAYS} days from ${40 * DAYS} scheduled values (an answer of about 430 KB)`,
    );
    return { measurements, acknowledgedEvents: 0 };
  },
};

/** Turns schedules on in the workload's environment, with pos.availquantity as the ATP measure. */
async function enableSchedules(ctx: BenchContext): Promise<void> {
  const headers = { authorization: `Bearer ${ctx.token}` };
  const current = await fetch(`${ctx.url}/api/environment/w6/configuration`, { headers });
  if (!current.ok) throw new Error(`W6: reading the configuration answered ${current.status}`);
  const config = (await current.json()) as { scheduleConfiguration: Record<string, unknown> };
  config.scheduleConfiguration = {
    ...config.scheduleConfiguration,
    isScheduleEnabled: true,
    schedulePeriodInDays: DAYS,
    atpCalculatedMeasures: { pos: { availquantity: DAYS } },
  };
  await postJson(`${ctx.url}/api/environment/w6/configuration/hardupdate`, ctx.token, config);
}
