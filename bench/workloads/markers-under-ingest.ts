import { type LoadResult, load } from '../load.js';
import type { BenchContext } from '../workload.js';
import { bulkTemplates, changeEvent, rotating } from './events.js';

export const SIZE = 512;
/** One marker write every this many ms (MARKER_MS in the workloads' docs). */
export const MARKER_MS = 20;

/**
 * How markers are sent. `sequential` (W7s): the next one MARKER_MS after the previous one's answer, so
 * the marker product's value n is marker n's. `scheduled` (W7): one every `everyMs`, without waiting for
 * the answers (a slow answer under the ingest no longer thins out the markers: about 40 a second instead
 * of 4–5, so that a run's p99 is not just its largest lag).
 */
export type MarkerPace =
  | { readonly kind: 'sequential' }
  | { readonly kind: 'scheduled'; readonly everyMs: number };

/**
 * The load of the lag workloads (W7, W7s): W1-style bulk ingest (4 clients, 512 events per request) in
 * `environmentId`, while one marker change (+1 inbound of product LAG at location 99, event id
 * `{prefix}-{n}`, n from 1) goes through POST …/onhand at `pace`; the ingest as fast as it is answered, or
at `bulkRate` requests per second. `onAck` is told each marker the server
 * acknowledged, with performance.now() at that moment. Resolves with the bulk load's result, the number
 * of markers sent and performance.now() when the markers and the ingest started.
 */
export async function markersUnderIngest(
  ctx: BenchContext,
  environmentId: string,
  prefix: string,
  onAck: (n: number, at: number) => void,
  pace: MarkerPace = { kind: 'sequential' },
  /** Bulk requests per second over the 4 clients (autocannon's overallRate); default: as fast as answered. */
  bulkRate?: number,
): Promise<{ bulk: LoadResult; markers: number; startedAt: number }> {
  const headers = { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' };
  let markers = 0;
  let stop = false;
  const send = async (n: number) => {
    const response = await fetch(`${ctx.url}/api/environment/${environmentId}/onhand`, {
      method: 'POST',
      headers,
      body: changeEvent(`${prefix}-${n}`, 'LAG', { siteId: '1', locationId: '99' }, 1),
    });
    if (response.ok) onAck(n, performance.now());
    await response.arrayBuffer();
  };
  const startedAt = performance.now();
  const marking = (async () => {
    const inFlight = new Set<Promise<void>>();
    // A scheduled marker's failure is kept and thrown once the others are answered (not left unhandled).
    let failure: { error: unknown } | undefined;
    while (!stop) {
      const n = ++markers;
      if (pace.kind === 'sequential') await send(n);
      else {
        const sent = send(n)
          .catch((error: unknown) => {
            failure ??= { error };
          })
          .finally(() => inFlight.delete(sent));
        inFlight.add(sent);
      }
      await new Promise((resolve) =>
        setTimeout(resolve, pace.kind === 'sequential' ? MARKER_MS : pace.everyMs),
      );
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
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
    ...(bulkRate ? { rate: bulkRate } : {}),
  });
  stop = true;
  await marking;
  return { bulk, markers, startedAt };
}
