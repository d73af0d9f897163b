import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AesSecretBox } from '../src/auth/secret-box.js';
import { DEFAULT_QUERY_LIMITS } from '../src/domain/query/query-plan.js';
import { Engine } from '../src/engine/engine.js';
import { HttpSender } from '../src/engine/webhooks/http-sender.js';
import { DEFAULT_WEBHOOK_SETTINGS } from '../src/engine/webhooks/webhook-ports.js';
import { toJson } from '../src/http/json.js';
import type { Store } from '../src/store/store.js';
import { arg, BODY, backlogBody, onEachBackend, writeResults } from './webhook-bench-kit.js';

/*
 * A webhook backlog's catch-up, end to end in one process (docs/benchmarks.md, "Webhook deliveries,
 * 2026-12-05"): 4 subscriptions to the whole environment are made, `entries` on-hand changes over 5,000
 * products are written (bulk requests of 500, as W8 writes them) while the dispatcher is stopped (a
 * receiver that was down, an ERP's burst), then the dispatcher starts and the time until a receiver in
 * this process (node http, 204 at once) has every entry of every subscription is measured: the feed
 * reads, the availability, the delivery writes, the signing and the HTTP requests. No other load.
 * Usage: npx tsx bench/webhook-dispatch.ts [--entries 10000] [--postgres-url URL] [--skip-sqlite]
 */
const entries = Number(arg('entries', '10000'));
const SUBSCRIPTIONS = 4;
const results: Record<string, unknown> = {};

async function measure(label: string, store: Store, dataDir: string): Promise<void> {
  let deliveries = 0;
  const delivered = new Map<string, number>();
  const receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      deliveries++;
      const n = (text.match(/"position":"/g) ?? []).length;
      delivered.set(req.url ?? '', (delivered.get(req.url ?? '') ?? 0) + n);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  await store.migrate();
  await store.feed.start?.();
  const engine = new Engine({
    store,
    clock: () => new Date(),
    limits: DEFAULT_QUERY_LIMITS,
    webhooks: {
      secrets: await AesSecretBox.open(dataDir),
      sender: new HttpSender(true),
      settings: { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivate: true },
      encode: toJson,
    },
  });
  try {
    await engine.environments.create('wh');
    for (let i = 0; i < SUBSCRIPTIONS; i++)
      await engine.webhooks.create('wh', { url: `http://127.0.0.1:${port}/s${i}` });
    for (let n = 0; n * BODY < entries; n++) {
      const outcomes = await engine.changeOnHand(
        'wh',
        backlogBody(n) as Parameters<Engine['changeOnHand']>[1],
      );
      if (outcomes.some((o) => o.status !== 'success')) throw new Error('an event failed');
    }
    await store.feed.settleAll(10_000);
    const start = performance.now();
    const cpu = process.cpuUsage();
    engine.webhookDispatcher.start();
    const behind = () =>
      [...Array(SUBSCRIPTIONS).keys()].some((i) => (delivered.get(`/s${i}`) ?? 0) < entries);
    for (const deadline = start + 300_000; performance.now() < deadline && behind(); )
      await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const total = [...delivered.values()].reduce((a, b) => a + b, 0);
    const line = {
      entriesPerSubscription: entries,
      subscriptions: SUBSCRIPTIONS,
      caughtUp: !behind(),
      seconds,
      entriesPerSecond: total / seconds,
      deliveries,
      cpuSeconds: (used.user + used.system) / 1e6,
    };
    results[label] = line;
    console.log(
      `${label}: ${total.toLocaleString('en')} entries in ${deliveries} deliveries, ${line.caughtUp ? 'caught up' : 'NOT caught up'} in ${seconds.toFixed(1)} s ` +
        `(${Math.round(line.entriesPerSecond).toLocaleString('en')} entries/s; CPU ${line.cpuSeconds.toFixed(1)} s)`,
    );
  } finally {
    await engine.drain();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
}

await onEachBackend('wh-dispatch', measure);
writeResults('webhook-dispatch', results);
