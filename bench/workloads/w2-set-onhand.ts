import { load } from '../load.js';
import { expectNoErrors, ratio, type Workload } from '../workload.js';
import { bulkTemplates, rotating } from './events.js';

const SIZE = 512;

/** W2: counts through …/setonhand/pos/bulk, 512 rows per request, 4 clients: rows/s. */
export const w2SetOnHand: Workload = {
  id: 'W2',
  title: 'set on-hand bulk (setonhand/pos/bulk, 512 rows per request)',
  environmentId: 'w2',
  writes: true,
  async run(ctx) {
    const bodies = bulkTemplates(10, SIZE, 5000).map((body) =>
      body.replaceAll('"quantities":{"pos":{"inbound":1}}', '"quantities":{"pos":{"inbound":7}}'),
    );
    const result = await load({
      url: ctx.url,
      token: ctx.token,
      request: {
        method: 'POST',
        path: '/api/environment/w2/setonhand/pos/bulk',
        makeBody: rotating(bodies),
        uniqueIds: true,
      },
      connections: 4,
      seconds: ctx.seconds,
    });
    expectNoErrors('W2', result);
    if (result.non2xx > 0) throw new Error(`W2: ${result.non2xx} bulk requests were refused`);
    const value = (result.ok * SIZE) / ctx.seconds;
    return {
      acknowledgedEvents: result.ok * SIZE,
      measurements: [
        {
          workload: 'W2',
          label: 'set on-hand bulk, 4 clients',
          unit: 'rows/s',
          value,
          p50: result.p50,
          p99: result.p99,
          baseline: { name: 'storage: 512-event transactions', value: ctx.storage.bulkEventsPerSecond },
          ratio: ratio(value, ctx.storage.bulkEventsPerSecond),
        },
      ],
    };
  },
};
