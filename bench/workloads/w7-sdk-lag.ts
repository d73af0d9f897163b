import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expectNoErrors, type Measurement, ratio, type Workload } from '../workload.js';
import { markersUnderIngest, SIZE } from './markers-under-ingest.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * W7s: W7 through the SDK. While W1-style bulk ingest runs (4 clients, 512 events per request), one
 * marker change (+1 inbound of product LAG at location 99) per MARKER_MS goes through POST …/onhand;
 * another process (bench/sdk-follower.ts) runs the SDK's AvailabilityCache on LAG and notes, by the
 * wall clock, when available() shows each new value. Lag = that moment − the write's acknowledgement
 * (same machine, same clock); p50 and p99 over all markers. Target p99 < 100 ms (issue 15).
 */
export const w7SdkLag: Workload = {
  id: 'W7s',
  title: 'SDK cache lag (write acknowledged → available() in another process) under bulk ingest',
  environmentId: 'w7s',
  writes: true,
  async run(ctx) {
    const follower = spawn(process.execPath, ['--import', 'tsx', 'bench/sdk-follower.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ONHAND_BENCH_URL: ctx.url,
        ONHAND_BENCH_TOKEN: ctx.token,
        ONHAND_BENCH_ENV: 'w7s',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const seen = new Map<number, number>();
    let ready: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      ready = resolve;
    });
    let pending = '';
    follower.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      for (let cut = pending.indexOf('\n'); cut >= 0; cut = pending.indexOf('\n')) {
        const line = pending.slice(0, cut);
        pending = pending.slice(cut + 1);
        if (line === 'ready') ready();
        const [at, value] = line.split(' ').map(Number);
        if (at !== undefined && value !== undefined && !seen.has(value)) seen.set(value, at);
      }
    });
    await started;

    const acked = new Map<number, number>();
    const { bulk } = await markersUnderIngest(ctx, 'w7s', 'sdk-lag', (n, at) =>
      acked.set(n, performance.timeOrigin + at),
    );
    // Wait for the last acknowledged marker (the one sent as the ingest stopped may be acknowledged last).
    const last = Math.max(0, ...acked.keys());
    const deadline = performance.now() + 10_000;
    const shown = () => [...seen.keys()].some((v) => v >= last);
    while (performance.now() < deadline && !shown()) await new Promise((r) => setTimeout(r, 20));
    follower.kill('SIGTERM');
    expectNoErrors('W7s', bulk);
    // Marker n brings LAG to n: the first moment available() showed n (or more) is when marker n arrived.
    const values = [...seen.keys()].sort((a, b) => a - b);
    const shownAt = (n: number) => {
      const first = values.find((v) => v >= n);
      return first === undefined ? Number.POSITIVE_INFINITY : (seen.get(first) ?? Number.POSITIVE_INFINITY);
    };
    const lags = [...acked].map(([n, at]) => Math.max(0, shownAt(n) - at)).sort((a, b) => a - b);
    const missing = lags.filter((l) => !Number.isFinite(l)).length;
    if (missing > 0) throw new Error(`W7s: ${missing} of ${lags.length} markers never showed in the cache`);
    const pick = (q: number) =>
      Math.round((lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0) * 10) / 10;
    const eventsPerSecond = (bulk.ok * SIZE) / ctx.seconds;
    const measurement: Measurement = {
      workload: 'W7s',
      label: 'SDK cache lag p99 under bulk ingest (4 clients), cache in another process',
      unit: 'ms',
      value: pick(0.99),
      p50: pick(0.5),
      p99: pick(0.99),
      baseline: { name: 'bulk ingest running meanwhile, events/s', value: eventsPerSecond },
      ratio: ratio(pick(0.99), 100),
      target: 'p99 < 100 ms',
      met: pick(0.99) < 100,
      notes: `${acked.size} markers; ingest ${Math.round(eventsPerSecond).toLocaleString('en')} events/s; the cache follows only LAG (stream filtered by product)`,
    };
    return { measurements: [measurement], acknowledgedEvents: bulk.ok * SIZE + acked.size };
  },
};
