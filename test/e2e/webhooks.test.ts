import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { type Backend, createTestDatabase, testBackends } from '../support/backends.js';
import { ServerCluster } from '../support/server-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Webhooks end to end: real `onhand serve` processes (two on one PostgreSQL database, one on SQLite)
 * deliver the change feed to a real local receiver that fails a third of the requests and is down for
 * a while, while writes race through every server and a server is killed (SIGKILL) or restarted. Every
 * subscription ends with every entry it asked for, in position order, each request signed by the
 * Standard Webhooks algorithm (checked with the `standardwebhooks` package), every retry identical to
 * the first attempt, and never two requests of one subscription in flight at once.
 */

const ENV = 'shop';
const SECRET = 'ops-secret-for-the-webhooks-test';

interface Payload {
  type: string;
  data: {
    webhookId: string;
    entries: { position: string; eventId: string | null; changes: { productId: string }[] }[];
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const item = (id: string, product: string, qty: number) => ({
  id,
  organizationId: 'usmf',
  productId: product,
  dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
  quantities: { pos: { inbound: qty } },
});

/** Racing bulk writes through every server; retried (same ids) until acknowledged. */
async function write(
  cluster: ServerCluster,
  workers: number,
  rounds: number,
  fault: (step: number) => Promise<void>,
) {
  const acked = new Set<string>();
  let step = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let r = 0; r < rounds; r++) {
        const ids = [`a-${w}-${r}`, `b-${w}-${r}`];
        const body = [item(ids[0] ?? '', `P${(w + r) % 3}`, 2), item(ids[1] ?? '', 'P1', 1)];
        for (let i = w + r, deadline = Date.now() + 60_000; Date.now() < deadline; i++) {
          const response = await cluster.call(i, 'POST', '/onhand/bulk', body);
          if (response?.ok) {
            for (const id of ids) acked.add(id);
            break;
          }
          await sleep(50);
        }
        await fault(++step);
        await sleep(20);
      }
    }),
  );
  return acked;
}

describe.each(testBackends())('webhooks on %s', (backend: Backend) => {
  let dataDir = '';
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let cluster: ServerCluster | undefined;
  let receiver: WebhookReceiver | undefined;

  afterEach(async () => {
    await cluster?.stopAll();
    await receiver?.down();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a failing, then absent receiver ends with every entry, signed, in order, never sent twice at once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-webhooks-e2e-'));
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    // Fails every third request it gets.
    receiver = new WebhookReceiver({ fails: (n) => n % 3 === 0, delayMs: 5 });
    await receiver.up();
    const c = new ServerCluster(
      {
        ONHAND_DATA_DIR: dataDir,
        ONHAND_ADMIN_CLIENT_ID: 'ops',
        ONHAND_ADMIN_CLIENT_SECRET: SECRET,
        ONHAND_ENVIRONMENTS: ENV,
        ONHAND_WEBHOOKS_ALLOW_PRIVATE: 'true',
        ONHAND_WEBHOOKS_TIMEOUT_MS: '2000',
        ONHAND_WEBHOOKS_BATCH_SIZE: '7',
        ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
      },
      ENV,
      SECRET,
    );
    cluster = c;
    await c.start(backend === 'postgres' ? 2 : 1);

    const specs = [
      { path: '/all', filters: {} },
      { path: '/p1', filters: { productId: ['P1'] } },
      { path: '/p2', filters: { productId: ['P2'] } },
    ];
    const hooks: { path: string; id: string; secret: string; position: number; products: string[] }[] = [];
    for (const [i, spec] of specs.entries()) {
      const response = await c.call(i, 'POST', '/webhooks', {
        url: `${receiver.url}${spec.path}`,
        filters: spec.filters,
      });
      expect(response?.status).toBe(201);
      const body = (await response?.json()) as { id: string; secret: string; position: string };
      hooks.push({
        path: spec.path,
        id: body.id,
        secret: body.secret,
        position: Number(body.position),
        products: spec.filters.productId ?? [],
      });
    }

    const r = receiver;
    const acked = await write(c, 4, 12, async (step) => {
      if (step === 12) {
        await r.down(); // the receiver is away for a while: connections are refused
        setTimeout(() => void r.up(), 4000);
      }
      if (step === 24) {
        // A crash: no lease is given back, the other process (or a restarted one) takes over.
        await c.replace(0, 'kill');
      }
    });
    expect(acked.size).toBe(96);

    const ledger: { position: number; eventId: string | null; changes: { productId: string }[] }[] = [];
    for (let after = 0; ; ) {
      const page = (await (
        await c.call(1, 'GET', `/ledger?after=${after}&limit=1000`)
      )?.json()) as typeof ledger;
      ledger.push(...page);
      if (page.length < 1000) break;
      after = page.at(-1)?.position ?? after;
    }
    const expected = (hook: (typeof hooks)[number]) =>
      ledger
        .filter((e) => e.position > hook.position)
        .filter(
          (e) => hook.products.length === 0 || e.changes.some((ch) => hook.products.includes(ch.productId)),
        )
        .map((e) => e.position);

    /** Entries of the accepted deliveries of a subscription, each delivery once, in the order first accepted. */
    const delivered = (hook: (typeof hooks)[number]) => {
      const seen = new Set<string>();
      const positions: number[] = [];
      for (const request of receiver?.accepted(hook.path) ?? []) {
        const id = request.headers['webhook-id'] ?? '';
        if (seen.has(id)) continue;
        seen.add(id);
        positions.push(...(JSON.parse(request.body) as Payload).data.entries.map((e) => Number(e.position)));
      }
      return positions;
    };
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
      if (hooks.every((hook) => delivered(hook).length >= expected(hook).length)) break;
      await sleep(200);
    }

    let distinct = 0;
    for (const hook of hooks) {
      expect(delivered(hook), hook.path).toEqual(expected(hook));
      const verifier = new Verifier(hook.secret);
      const bodies = new Map<string, string>();
      const requests = receiver.received.filter((x) => x.path === hook.path);
      for (const request of requests) {
        const payload = verifier.verify(request.body, request.headers) as Payload;
        expect(payload.data.webhookId).toBe(hook.id);
        // A retry is the first attempt again: same id, same body.
        const id = request.headers['webhook-id'] ?? '';
        expect(bodies.get(id) ?? request.body).toBe(request.body);
        bodies.set(id, request.body);
      }
      // Deliveries carried several entries.
      expect(bodies.size).toBeLessThan(expected(hook).length);
      distinct += bodies.size;
      // Never two requests of one subscription in flight at once, whichever process sent them.
      expect(receiver.maxInFlight.get(hook.path)).toBe(1);
    }
    // A third of the requests failed and were retried.
    expect(receiver.received.filter((x) => x.status >= 500).length).toBeGreaterThan(0);
    expect(receiver.received.length).toBeGreaterThan(distinct);
    const allIds = new Set(
      receiver
        .accepted('/all')
        .flatMap((x) => (JSON.parse(x.body) as Payload).data.entries.map((e) => e.eventId)),
    );
    expect([...acked].filter((id) => !allIds.has(id))).toEqual([]);
  }, 240_000);
});
