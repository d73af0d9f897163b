import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_FILTER } from '../src/domain/feed/feed-filter.js';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { FeedHub } from '../src/engine/feed/feed-hub.js';
import { entryText } from '../src/http/feed/entry-text.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { bulkTemplates } from './workloads/events.js';

/*
 * CPU per entry of the feed hub (docs/benchmarks.md, "The feed hub's CPU per entry"): writes `entries`
 * W1-like bulk entries (512 per request, 5,000 products, through Engine.changeOnHand) on a SQLite file,
 * then, `runs` times, a fresh hub serves one follower that takes availability from position 0 to the
 * head, each entry serialised as the SSE route does (sse-sink.ts). Reports the process's
 * CPU (process.cpuUsage) per entry of each catch-up: the read and decoding of the records, the
 * annotation, the delivery and serialisation, garbage collection included. No database waits (SQLite
 * reads run on the event loop), so the figure is the hub's own work.
 * With 5,000 products (W1's spread) the catch-up's scope cache (1,000 scopes) misses on every read-ahead
 * and each miss takes back the entries up to the head (scope-states.ts loadScopes); with 1,000 products
 * the states are loaded once and the figure is the steady cost per entry of a stream whose cache holds
 * its products (W7's live stream).
 * Usage: npx tsx bench/feed-cpu.ts [entries, default 50000] [runs, default 4] [products, default 5000];
 * with FEED_CPU_PROFILE=file the catch-ups (not the writes) are profiled into it (bench/profile-summary.ts).
 */
const wanted = Number(process.argv[2] ?? 50_000);
const runs = Number(process.argv[3] ?? 4);
const products = Number(process.argv[4] ?? 5000);
const profileFile = process.env.FEED_CPU_PROFILE;
/** FEED_CPU_DIGEST=1: print a digest of the entries' text (to compare builds); hashing costs CPU too. */
const withDigest = process.env.FEED_CPU_DIGEST === '1';
const SIZE = 512;
const dir = mkdtempSync(join(tmpdir(), 'onhand-feed-cpu-'));
const store = SqliteStore.open({ file: join(dir, 'bench.db') });
await store.migrate();
// A fixed clock: the entries' text (its digest is printed) is then the same from run to run and build to build.
const engine = new Engine({
  store,
  clock: () => new Date('2026-12-04T18:00:00Z'),
  limits: DEFAULT_QUERY_LIMITS,
});
await engine.environments.create('w7');
const bodies = bulkTemplates(10, SIZE, products);
for (let n = 0; n * SIZE < wanted; n++) {
  const text = (bodies[n % bodies.length] as string).replaceAll('[<id>]', `r${n}`);
  const items = (JSON.parse(text) as unknown[]).map((input, i) => ({ input, path: `/${i}` }));
  const outcomes = await engine.changeOnHand('w7', items as Parameters<Engine['changeOnHand']>[1]);
  const failed = outcomes.find((o) => o.status !== 'success');
  if (failed) throw new Error(`an event failed: ${JSON.stringify(failed)}`);
}
const head = await store.feed.head();

/** One catch-up from 0 to the head through a fresh hub; answers [entries, bytes, µs CPU, ms wall, digest]. */
async function catchUp(): Promise<[number, number, number, number, string]> {
  const digest = createHash('sha256');
  const hub = new FeedHub(store, engine.environments, {
    pageSize: 500,
    cacheScopes: 10_000,
    onError: (error) => {
      throw error;
    },
  });
  let entries = 0;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const stop = hub.subscribe('w7', 0, NO_FILTER, {
      push(page) {
        let text = '';
        for (const entry of page)
          text += `id: ${entry.position}\nevent: entry\ndata: ${entryText(entry)}\n\n`;
        bytes += text.length;
        if (withDigest) digest.update(text);
        entries += page.length;
        if (page[page.length - 1]?.position === head) {
          stop();
          resolve();
        }
        return true;
      },
      close: (reason) => {
        throw new Error(`closed: ${reason}`);
      },
    });
  });
  const cpu = process.cpuUsage(cpu0);
  return [
    entries,
    bytes,
    cpu.user + cpu.system,
    performance.now() - t0,
    withDigest ? digest.digest('hex').slice(0, 12) : '-',
  ];
}

console.log(
  `${head.toLocaleString('en')} entries of ${products.toLocaleString('en')} products written; catch-ups from position 0:`,
);
const session = profileFile === undefined ? undefined : new Session();
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
for (let run = 1; run <= runs; run++) {
  const [entries, bytes, cpuUs, wallMs, text] = await catchUp();
  console.log(
    `run ${run}: ${(cpuUs / entries).toFixed(1)} µs CPU per entry; ${entries.toLocaleString('en')} entries, ` +
      `${Math.round(bytes / entries)} bytes each, ${Math.round(entries / (wallMs / 1000)).toLocaleString('en')} entries/s, text digest ${text}`,
  );
}
if (session && profileFile) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
}
await store.close();
rmSync(dir, { recursive: true, force: true });
