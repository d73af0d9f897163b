import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { load } from '../load.js';
import { expectNoErrors, type Measurement, ratio, type Workload } from '../workload.js';
import { bulkTemplates, rotating } from './events.js';

const SIZE = 512;
/** Subscriptions, each to every entry of the environment. */
const SUBSCRIPTIONS = 4;

/**
 * W8: webhook deliveries. While W1-style bulk ingest runs (4 clients, 512 events per request), four
 * subscriptions to the whole environment push its feed to a receiver in this process (node http,
 * answering 204 at once, on 127.0.0.1: the server runs with ONHAND_WEBHOOKS_ALLOW_PRIVATE=true). Measured:
 * entries delivered per second over all subscriptions, from the start of ingest until every
 * subscription has delivered the last entry, against the ingest rate; and deliveries (requests) per
 * second. Each delivery carries up to ONHAND_WEBHOOKS_BATCH_SIZE (100) entries.
 */
export const w8Webhooks: Workload = {
  id: 'W8',
  title: 'webhook deliveries (entries per second pushed to 4 subscriptions) under bulk ingest',
  environmentId: 'w8',
  writes: true,
  async run(ctx) {
    const base = `${ctx.url}/api/environment/w8`;
    const headers = { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' };
    let deliveries = 0;
    const delivered = new Map<string, number>();
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        deliveries++;
        const entries = (body.match(/"position":"/g) ?? []).length;
        delivered.set(req.url ?? '', (delivered.get(req.url ?? '') ?? 0) + entries);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    try {
      for (let i = 0; i < SUBSCRIPTIONS; i++) {
        const created = await fetch(`${base}/webhooks`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ url: `http://127.0.0.1:${port}/s${i}` }),
        });
        if (created.status !== 201) throw new Error(`W8: creating a webhook answered ${created.status}`);
      }
      const started = performance.now();
      const bulk = await load({
        url: ctx.url,
        token: ctx.token,
        request: {
          method: 'POST',
          path: '/api/environment/w8/onhand/bulk',
          makeBody: rotating(bulkTemplates(10, SIZE, 5000)),
          uniqueIds: true,
        },
        connections: 4,
        seconds: ctx.seconds,
      });
      expectNoErrors('W8', bulk);
      const ingested = bulk.ok * SIZE;
      const deadline = performance.now() + 120_000;
      const behind = () =>
        [...Array(SUBSCRIPTIONS).keys()].some((i) => (delivered.get(`/s${i}`) ?? 0) < ingested);
      while (performance.now() < deadline && behind())
        await new Promise((resolve) => setTimeout(resolve, 50));
      const seconds = (performance.now() - started) / 1000;
      const total = [...delivered.values()].reduce((a, b) => a + b, 0);
      const perSecond = total / seconds;
      const ingestPerSecond = ingested / ctx.seconds;
      const measurement: Measurement = {
        workload: 'W8',
        label: `webhook entries delivered per second (${SUBSCRIPTIONS} subscriptions) under bulk ingest`,
        unit: 'entries/s',
        value: Math.round(perSecond),
        baseline: {
          name: 'bulk ingest meanwhile × subscriptions, events/s',
          value: ingestPerSecond * SUBSCRIPTIONS,
        },
        ratio: ratio(perSecond, ingestPerSecond * SUBSCRIPTIONS),
        notes: `${deliveries.toLocaleString('en')} deliveries (${Math.round(deliveries / seconds)}/s); ${behind() ? 'some subscriptions had not caught up after 120 s; ' : ''}caught up ${seconds.toFixed(1)} s after ingest began (ingest ran ${ctx.seconds} s)`,
      };
      return { measurements: [measurement], acknowledgedEvents: ingested };
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  },
};
