import { expectNoErrors, type Measurement, ratio, type Workload } from '../workload.js';
import { markersUnderIngest, SIZE } from './markers-under-ingest.js';

/** W7 sends a marker every this many ms, without waiting for the previous one's answer. */
const MARKER_EVERY_MS = 25;
/** Markers acknowledged this long after the start are also measured on their own (the steady lag). */
const WARM_MS = 1000;

/**
 * W7: feed lag. While W1-style bulk ingest runs (4 clients, 512 events per request), one marker change
 * every MARKER_EVERY_MS goes through POST …/onhand (sent on schedule, not after the previous answer); a
 * follower of GET …/feed/stream (in this process) notes when each marker's entry arrives. Lag = arrival −
 * acknowledgement of the write; p50 and p99 over all markers, and over those acknowledged after the
 * first WARM_MS (the steady lag, once the stream's scope cache holds the ingest's products). The
 * follower receives every entry (the bulk ones too, each annotated with availability), as a storefront
 * following the whole environment would.
 */
export const w7FeedLag: Workload = {
  id: 'W7',
  title: 'feed lag (write acknowledged → entry at an SSE follower) under bulk ingest',
  environmentId: 'w7',
  writes: true,
  async run(ctx) {
    const base = `${ctx.url}/api/environment/w7`;
    const headers = { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' };
    const arrived = new Map<string, number>();
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
            const id = /"eventId":"(lag-[0-9]+)"/.exec(data)?.[1];
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
      'w7',
      'lag',
      (n, at) => acked.set(`lag-${n}`, at),
      { kind: 'scheduled', everyMs: MARKER_EVERY_MS },
    );
    // Let the follower catch up with the last markers (it is measured, not waited for, above).
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline && [...acked.keys()].some((id) => !arrived.has(id)))
      await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await reading;
    expectNoErrors('W7', bulk);
    const lagOf = ([id, at]: [string, number]) => (arrived.get(id) ?? Number.POSITIVE_INFINITY) - at;
    const all = [...acked].map(lagOf).sort((a, b) => a - b);
    const missing = all.filter((l) => !Number.isFinite(l)).length;
    if (missing > 0)
      throw new Error(`W7: ${missing} of ${all.length} acknowledged markers never reached the follower`);
    // The markers acknowledged after the ingest's first second: the stream's scope cache and the server's
    // compiled code are warm by then (a running server's stream is), so this is the steady lag.
    const steady = [...acked]
      .filter(([, at]) => at >= startedAt + WARM_MS)
      .map(lagOf)
      .sort((a, b) => a - b);
    const eventsPerSecond = (bulk.ok * SIZE) / ctx.seconds;
    const measure = (lags: number[], label: string, note: string): Measurement => {
      const pick = (q: number) =>
        Math.round((lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0) * 10) / 10;
      return {
        workload: 'W7',
        label,
        unit: 'ms',
        value: pick(0.99),
        p50: pick(0.5),
        p99: pick(0.99),
        baseline: { name: 'bulk ingest running meanwhile, events/s', value: eventsPerSecond },
        ratio: ratio(pick(0.99), 100),
        target: 'p99 < 100 ms at ≥ 5,000 events/s',
        met: pick(0.99) < 100 && eventsPerSecond >= 5000,
        notes: `${lags.length} markers${note}; ${received.toLocaleString('en')} entries received by the follower; ingest ${Math.round(eventsPerSecond).toLocaleString('en')} events/s`,
      };
    };
    const measurements = [
      measure(all, 'feed lag p99 under bulk ingest (4 clients)', ''),
      measure(steady, 'feed lag p99 after the first second', ` acknowledged after the first ${WARM_MS} ms`),
    ];
    return { measurements, acknowledgedEvents: bulk.ok * SIZE + acked.size };
  },
};
