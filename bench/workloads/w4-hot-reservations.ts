import { load } from '../load.js';
import { expectNoErrors, ratio, type Workload } from '../workload.js';
import { changeEvent, reserveEvent } from './events.js';
import { seed } from './seed.js';

/** Units of the hot product: finite, more than a run can reserve at the targeted rate. */
const STOCK = 5_000_000;

/** W4: 64 clients reserving one unit each of one hot product (site 1, location 11). */
export const w4HotReservations: Workload = {
  id: 'W4',
  title: 'reservations on one hot product, 64 clients',
  environmentId: 'w4',
  writes: true,
  async run(ctx) {
    await seed(ctx, 'w4', [changeEvent('stock-HOT', 'HOT', { siteId: '1', locationId: '11' }, STOCK)]);
    const result = await load({
      url: ctx.url,
      token: ctx.token,
      request: {
        method: 'POST',
        path: '/api/environment/w4/onhand/reserve',
        body: reserveEvent('[<id>]', 'HOT'),
        uniqueIds: true,
      },
      connections: 64,
      seconds: ctx.seconds,
    });
    expectNoErrors('W4', result);
    if (result.non2xx > 0)
      throw new Error(`W4: ${result.non2xx} reservations were refused before stock ran out`);
    const storage = ctx.storage.reservePerSecond;
    const ceiling = ctx.http.get.get(64)?.rps ?? 0;
    // Issue 17's targets: a share of the HTTP ceiling at 64 connections, p99 under 25 ms.
    const wanted = ctx.backend === 'sqlite' ? 0.25 : 0.12;
    return {
      acknowledgedEvents: result.ok,
      measurements: [
        {
          workload: 'W4',
          label: 'hot-product reservations, 64 clients',
          unit: 'granted/s',
          value: result.rps,
          p50: result.p50,
          p99: result.p99,
          baseline: { name: 'HTTP ceiling, 64 conn.', value: ceiling },
          ratio: ratio(result.rps, ceiling),
          target: `≥ ${wanted} × HTTP ceiling, p99 < 25 ms, no oversell`,
          met: ratio(result.rps, ceiling) >= wanted && result.p99 < 25,
          notes:
            `${ratio(result.rps, storage).toFixed(2)} × the storage baseline (1 conditional UPDATE per ` +
            `commit, ${ctx.storage.reserveClients} client(s): ${Math.round(storage)}/s)`,
        },
      ],
    };
  },
};
