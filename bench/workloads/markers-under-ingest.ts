import { type LoadResult, load } from '../load.js';
import type { BenchContext } from '../workload.js';
import { bulkTemplates, changeEvent, rotating } from './events.js';

export const SIZE = 512;
/** One marker write every this many ms (MARKER_MS in the workloads' docs). */
export const MARKER_MS = 20;

/**
 * The load of the lag workloads (W7, W7s): W1-style bulk ingest (4 clients, 512 events per request) in
 * `environmentId`, while one marker change (+1 inbound of product LAG at location 99, event id
 * `{prefix}-{n}`, n from 1) goes through POST …/onhand every MARKER_MS. `onAck` is told each marker
 * the server acknowledged, with performance.now() at that moment. Resolves with the bulk load's result
 * and the number of markers sent.
 */
export async function markersUnderIngest(
  ctx: BenchContext,
  environmentId: string,
  prefix: string,
  onAck: (n: number, at: number) => void,
): Promise<{ bulk: LoadResult; markers: number }> {
  const headers = { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' };
  let markers = 0;
  let stop = false;
  const marking = (async () => {
    while (!stop) {
      const n = ++markers;
      const response = await fetch(`${ctx.url}/api/environment/${environmentId}/onhand`, {
        method: 'POST',
        headers,
        body: changeEvent(`${prefix}-${n}`, 'LAG', { siteId: '1', locationId: '99' }, 1),
      });
      if (response.ok) onAck(n, performance.now());
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, MARKER_MS));
    }
  })();
  const bulk = await load({
    url: ctx.url,
    token: ctx.token,
    request: {
      method: 'POST',
      path: `/api/environment/${environmentId}/onhand/bulk`,
      makeBody: rotating(bulkTemplates(10, SIZE, 5000)),
      uniqueIds: true,
    },
    connections: 4,
    seconds: ctx.seconds,
  });
  stop = true;
  await marking;
  return { bulk, markers };
}
