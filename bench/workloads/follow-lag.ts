import type { LoadResult } from '../load.js';
import type { BenchContext } from '../workload.js';
import { markersUnderIngest } from './markers-under-ingest.js';

/** W7 sends a marker every this many ms, without waiting for the previous one's answer. */
const MARKER_EVERY_MS = 25;

/** One phase of W7: what the follower saw of the markers sent under the ingest. */
export interface LagRun {
  readonly bulk: LoadResult;
  /** Markers acknowledged. */
  readonly markers: number;
  /** Entries the follower received (bulk ones too). */
  readonly received: number;
  /** The lags (ms, ascending) of the markers acknowledged at least `afterMs` after the phase started. */
  lags(afterMs: number): number[];
}

/**
 * Follows GET …/feed/stream of `environmentId` from its head while markersUnderIngest sends markers
 * `{prefix}-{n}` every MARKER_EVERY_MS under bulk ingest (at `bulkRate` requests/s, or flat out), and
 * notes when each marker's entry arrives. Throws when an acknowledged marker never reached the follower.
 */
export async function followLag(
  ctx: BenchContext,
  environmentId: string,
  prefix: string,
  bulkRate?: number,
): Promise<LagRun> {
  const base = `${ctx.url}/api/environment/${environmentId}`;
  const headers = { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' };
  const arrived = new Map<string, number>();
  const pattern = new RegExp(`"eventId":"(${prefix}-[0-9]+)"`);
  let received = 0;
  const controller = new AbortController();
  const stream = await fetch(`${base}/feed/stream`, { headers, signal: controller.signal });
  if (!stream.ok || !stream.body) throw new Error(`W7: the feed stream answered ${stream.status}`);
  const reading = (async () => {
    const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        buffer += chunk.value;
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          received++;
          const id = pattern.exec(data)?.[1];
          if (id) arrived.set(id, performance.now());
        }
      }
    } catch {
      // aborted at the end
    }
  })();

  const acked = new Map<string, number>();
  const { bulk, startedAt } = await markersUnderIngest(
    ctx,
    environmentId,
    prefix,
    (n, at) => acked.set(`${prefix}-${n}`, at),
    { kind: 'scheduled', everyMs: MARKER_EVERY_MS },
    bulkRate,
  );
  // Let the follower catch up with the last markers (it is measured, not waited for, above).
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline && [...acked.keys()].some((id) => !arrived.has(id)))
    await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort();
  await reading;
  const lagOf = ([id, at]: [string, number]) => (arrived.get(id) ?? Number.POSITIVE_INFINITY) - at;
  const missing = [...acked].filter(([id]) => !arrived.has(id)).length;
  if (missing > 0)
    throw new Error(`W7: ${missing} of ${acked.size} acknowledged markers never reached the follower`);
  return {
    bulk,
    markers: acked.size,
    received,
    lags: (afterMs) =>
      [...acked]
        .filter(([, at]) => at >= startedAt + afterMs)
        .map(lagOf)
        .sort((a, b) => a - b),
  };
}
