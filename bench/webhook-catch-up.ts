import { NO_FILTER } from '../src/domain/feed/feed-filter.js';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { ScopeCache } from '../src/engine/feed/scope-states.js';
import { FeedReadAhead } from '../src/engine/webhooks/read-ahead.js';
import type { Store } from '../src/store/store.js';
import { arg, BODY, backlogBody, onEachBackend, writeResults } from './webhook-bench-kit.js';

/*
 * The feed side of a webhook subscription catching up (docs/benchmarks.md, "Webhook deliveries,
 * 2026-12-05"): on a fresh store, `entries` on-hand changes over 5,000 products (bulk requests of 500,
 * as W8 writes them), then one subscription's reads of all of them from position 0 in deliveries of 100
 * entries, timed two ways in turn, `runs` times each: as the worker read before (Feed.read of 100 entries
 * with its scope cache of 1,000 states carried from read to read) and with its read-ahead
 * (webhooks/read-ahead.ts). No HTTP and no delivery writes: only the reads and the availability.
 * Usage: npx tsx bench/webhook-catch-up.ts [--entries 20000] [--runs 2] [--postgres-url URL] [--skip-sqlite]
 */
const entries = Number(arg('entries', '20000'));
const runs = Number(arg('runs', '2'));
const BATCH = 100;
const results: Record<string, unknown> = {};

async function measure(label: string, store: Store): Promise<void> {
  await store.migrate();
  await store.feed.start?.();
  const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
  await engine.environments.create('wh');
  for (let n = 0; n * BODY < entries; n++) {
    const outcomes = await engine.changeOnHand('wh', backlogBody(n) as Parameters<Engine['changeOnHand']>[1]);
    if (outcomes.some((o) => o.status !== 'success')) throw new Error('an event failed');
  }
  await store.feed.settleAll(10_000);
  const ways = {
    'Feed.read per delivery (before)': () => {
      const cache = new ScopeCache(0, 1000);
      return (after: number) => engine.feed.read('wh', after, BATCH, NO_FILTER, cache);
    },
    'read-ahead (after)': () => {
      const reader = new FeedReadAhead();
      return (after: number) => reader.read(engine.feed, 'wh', after, BATCH, NO_FILTER);
    },
  };
  const times: Record<string, number[]> = {};
  for (let run = 0; run < runs; run++) {
    for (const [name, make] of Object.entries(ways)) {
      const read = make();
      const start = performance.now();
      const cpu = process.cpuUsage();
      let seen = 0;
      for (let after = 0; ; ) {
        const page = await read(after);
        if (page.next === after) break;
        seen += page.entries.length;
        after = page.next;
      }
      const used = process.cpuUsage(cpu);
      const seconds = (performance.now() - start) / 1000;
      times[name] = [...(times[name] ?? []), seconds];
      console.log(
        `${label} run ${run + 1}, ${name}: ${seen.toLocaleString('en')} entries in ${seconds.toFixed(2)} s ` +
          `(${Math.round(seen / seconds).toLocaleString('en')} entries/s; CPU ${((used.user + used.system) / 1e6).toFixed(2)} s)`,
      );
    }
  }
  results[label] = { entries, batch: BATCH, seconds: times };
  await engine.drain();
}

await onEachBackend('wh-catch-up', (label, store) => measure(label, store));
writeResults('webhook-catch-up', results);
