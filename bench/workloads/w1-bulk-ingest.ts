import { load } from '../load.js';
import { expectNoErrors, type Measurement, ratio, type Workload } from '../workload.js';
import { bulkTemplates, rotating } from './events.js';

const SIZE = 512;

/** W1: on-hand change events through …/onhand/bulk, 512 per request, 4 and 16 clients. */
export const w1BulkIngest: Workload = {
  id: 'W1',
  title: 'bulk ingest (onhand/bulk, 512 events per request)',
  environmentId: 'w1',
  writes: true,
  async run(ctx) {
    const bodies = bulkTemplates(10, SIZE, 5000);
    const measurements: Measurement[] = [];
    let acknowledgedEvents = 0;
    // Issue 17's targets: the rate, and 0.6 of the storage ceiling measured in the same run.
    const target = ctx.backend === 'sqlite' ? 50_000 : 20_000;
    const share = 0.6;
    for (const connections of [4, 16]) {
      const result = await load({
        url: ctx.url,
        token: ctx.token,
        request: {
          method: 'POST',
          path: '/api/environment/w1/onhand/bulk',
          makeBody: rotating(bodies),
          uniqueIds: true,
        },
        connections,
        seconds: ctx.seconds,
      });
      expectNoErrors('W1', result);
      if (result.non2xx > 0) throw new Error(`W1: ${result.non2xx} bulk requests were refused`);
      acknowledgedEvents += result.ok * SIZE;
      const value = (result.ok * SIZE) / ctx.seconds;
      measurements.push({
        workload: 'W1',
        label: `bulk ingest, ${connections} clients`,
        unit: 'events/s',
        value,
        p50: result.p50,
        p99: result.p99,
        baseline: { name: 'storage: 512-event transactions', value: ctx.storage.bulkEventsPerSecond },
        ratio: ratio(value, ctx.storage.bulkEventsPerSecond),
        target: `≥ ${target.toLocaleString('en')} events/s and ≥ ${share} × storage`,
        met: value >= target && value >= share * ctx.storage.bulkEventsPerSecond,
        notes: `HTTP ceiling for a 512-event POST: ${Math.round(ctx.http.bulkPost.rps * SIZE).toLocaleString('en')} events/s`,
      });
    }
    return { measurements, acknowledgedEvents };
  },
};
