import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

interface WebhookJson {
  id: string;
  url: string;
  filters: Record<string, unknown>;
  description: string | null;
  enabled: boolean;
  status: string;
  position: string;
  updatedAt: string;
  secret?: string;
}

interface DeliveryJson {
  id: string;
  number: number;
  status: string;
  entries: number;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

const E = '/api/environment/test';
const until = async (check: () => boolean | Promise<boolean>, ms = 15_000) => {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('timed out waiting');
};

/** Runs on SQLite, and again on PostgreSQL in the api-on-postgres project (vitest.config.ts). */
describe('webhook subscriptions', () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    h = await startHarness({
      environments: ['test', 'other'],
      env: { ONHAND_WEBHOOKS_ALLOW_PRIVATE: 'true', ONHAND_WEBHOOKS_RETRY_SECONDS: '2' },
    });
    receiver = new WebhookReceiver({ fails: () => false });
    await receiver.up();
  });
  afterAll(async () => {
    await h.close();
    await receiver.down();
  });

  const create = async (body: unknown, status = 201) => {
    const response = await h.request('POST', `${E}/webhooks`, body);
    expect(response.statusCode, response.body).toBe(status);
    return response.json() as WebhookJson & { code?: string; details?: { path: string }[] };
  };

  it('creates a subscription, shows its secret once, and lists, reads, changes and deletes it', async () => {
    const created = await create({
      url: 'https://hooks.example.com/onhand',
      filters: { productId: ['T-shirt', 'T-shirt'], measure: 'IV.AvailableToReserve', above: '0' },
      description: 'storefront cache',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({
      url: 'https://hooks.example.com/onhand',
      filters: {
        productId: ['T-shirt'],
        siteId: [],
        locationId: [],
        kind: [],
        measure: 'iv.availabletoreserve',
        above: '0',
      },
      description: 'storefront cache',
      enabled: true,
      status: 'active',
    });
    const read = (await h.request('GET', `${E}/webhooks/${created.id}`)).json() as WebhookJson;
    expect(read.secret).toBeUndefined();
    expect(read).toEqual({ ...created, secret: undefined, updatedAt: read.updatedAt, failingSince: null });
    const listed = (await h.request('GET', `${E}/webhooks`)).json() as { webhooks: WebhookJson[] };
    expect(listed.webhooks.map((w) => w.id)).toContain(created.id);
    expect((await h.request('GET', '/api/environment/other/webhooks')).json()).toEqual({ webhooks: [] });

    const patched = await h.request('PATCH', `${E}/webhooks/${created.id}`, {
      enabled: false,
      description: null,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: false, description: null, url: created.url });

    expect((await h.request('DELETE', `${E}/webhooks/${created.id}`)).statusCode).toBe(200);
    const gone = await h.request('GET', `${E}/webhooks/${created.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'webhook_not_found' });
    expect((await h.request('DELETE', `${E}/webhooks/${created.id}`)).statusCode).toBe(404);
    // Another environment's subscription is not reachable from this one.
    const mine = await create({ url: 'https://hooks.example.com/a' });
    expect((await h.request('GET', `/api/environment/other/webhooks/${mine.id}`)).statusCode).toBe(404);
  });

  it('refuses bad input with a stable code and creates nothing', async () => {
    const before = (await h.request('GET', `${E}/webhooks`)).json() as { webhooks: unknown[] };
    const cases: [unknown, string, string][] = [
      [{}, 'missing_field', '/url'],
      [{ url: 'ftp://hooks.example.com/x' }, 'invalid_webhook_url', '/url'],
      [{ url: 'not a url' }, 'invalid_webhook_url', '/url'],
      [{ url: 'https://user:pw@hooks.example.com/x' }, 'invalid_webhook_url', '/url'],
      [{ url: 'https://hooks.example.com', secret: 'plain' }, 'invalid_webhook_secret', '/secret'],
      [{ url: 'https://hooks.example.com', secret: 'whsec_c2hvcnQ=' }, 'invalid_webhook_secret', '/secret'],
      [
        { url: 'https://hooks.example.com', filters: { measure: 'iv.x' } },
        'invalid_request',
        '/filters/measure',
      ],
      [
        { url: 'https://hooks.example.com', filters: { measure: 'iv.x', above: 'x' } },
        'invalid_quantity',
        '/filters/above',
      ],
      [{ url: 'https://hooks.example.com', filters: { sku: ['a'] } }, 'unknown_field', '/filters/sku'],
      [{ url: 'https://hooks.example.com', colour: 'red' }, 'unknown_field', '/colour'],
    ];
    for (const [body, code, path] of cases) {
      const refused = await create(body, 400);
      expect(refused.code, JSON.stringify(body)).toBe(code);
      expect(refused.details?.[0]?.path).toBe(path);
    }
    expect((await h.request('GET', `${E}/webhooks`)).json()).toEqual(before);
    const missing = await h.request('PATCH', `${E}/webhooks/wh_nope`, { enabled: true });
    expect(missing.statusCode).toBe(404);
    const redeliver = await h.request('POST', `${E}/webhooks/wh_nope/redeliver`, { after: 'x' });
    expect(redeliver.json()).toMatchObject({ code: 'invalid_type' });
  });

  it('refuses loopback and private targets unless ONHAND_WEBHOOKS_ALLOW_PRIVATE is set', async () => {
    const strict = await startHarness({ environments: ['test'] });
    try {
      for (const url of [
        'http://127.0.0.1:9/x',
        'http://localhost/x',
        'http://[::1]/x',
        'http://10.1.2.3/x',
        'http://169.254.169.254/latest',
      ]) {
        const refused = await strict.request('POST', `${E}/webhooks`, { url });
        expect(refused.statusCode, url).toBe(400);
        expect(refused.json()).toMatchObject({ code: 'webhook_target_forbidden' });
      }
      expect((await strict.request('GET', `${E}/webhooks`)).json()).toEqual({ webhooks: [] });
    } finally {
      await strict.close();
    }
  });

  it('delivers every entry after the subscription, signed by the Standard Webhooks algorithm, in order', async () => {
    const hook = await create({ url: `${receiver.url}/all`, filters: { productId: ['T-shirt'] } });
    h.services.engine.webhookDispatcher.start();
    const ids = ['w-1', 'w-2', 'w-3'];
    for (const id of ids)
      expect((await h.request('POST', `${E}/onhand`, tshirtEvent(id))).statusCode).toBe(200);
    expect(
      (await h.request('POST', `${E}/onhand`, tshirtEvent('w-bike', { productId: 'Bike' }))).statusCode,
    ).toBe(200);
    const seen = () =>
      receiver
        .accepted('/all')
        .flatMap((r) => (JSON.parse(r.body) as { data: { entries: { eventId: string }[] } }).data.entries);
    await until(() => seen().length >= 3);
    const verifier = new Verifier(hook.secret as string);
    for (const r of receiver.accepted('/all')) {
      const payload = verifier.verify(r.body, r.headers) as { type: string; data: { webhookId: string } };
      expect(payload.type).toBe('onhand.feed.entries');
      expect(payload.data.webhookId).toBe(hook.id);
    }
    expect(seen().map((e) => e.eventId)).toEqual(ids);
    const deliveries = async () =>
      (
        (await h.request('GET', `${E}/webhooks/${hook.id}/deliveries`)).json() as {
          deliveries: DeliveryJson[];
        }
      ).deliveries;
    // The receiver answered; the attempt's result is recorded right after.
    await until(async () => (await deliveries()).every((d) => d.status === 'delivered'));
    const log = { deliveries: await deliveries() };
    expect(log.deliveries.every((d) => d.attempts === 1 && d.lastStatus === 204)).toBe(true);
    expect(log.deliveries.reduce((n, d) => n + d.entries, 0)).toBe(3);
    expect(
      log.deliveries.map((d) => receiver.accepted('/all').some((r) => r.headers['webhook-id'] === d.id)),
    ).not.toContain(false);
  });

  it('marks a subscription failing after its retry period and redelivers from a position on request', async () => {
    const down = new WebhookReceiver();
    await down.up();
    const url = `${down.url}/down`;
    await down.down();
    const hook = await create({ url, filters: { productId: ['Retried'] } });
    const before = (await h.request('GET', `${E}/webhooks/${hook.id}`)).json() as WebhookJson;
    expect(
      (await h.request('POST', `${E}/onhand`, tshirtEvent('r-1', { productId: 'Retried' }))).statusCode,
    ).toBe(200);
    const state = async () => (await h.request('GET', `${E}/webhooks/${hook.id}`)).json() as WebhookJson;
    await until(async () => (await state()).status === 'failing');
    const log = (await h.request('GET', `${E}/webhooks/${hook.id}/deliveries`)).json() as {
      deliveries: DeliveryJson[];
    };
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ status: 'failed', lastStatus: null });
    expect(log.deliveries[0]?.attempts).toBeGreaterThanOrEqual(2);
    expect(log.deliveries[0]?.lastError).toMatch(/ECONNREFUSED/);

    await down.up();
    const resumed = await h.request('POST', `${E}/webhooks/${hook.id}/redeliver`, { after: before.position });
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toMatchObject({ status: 'active', position: before.position });
    await until(() => down.accepted().length === 1);
    const body = JSON.parse(down.accepted()[0]?.body ?? '{}') as { data: { entries: { eventId: string }[] } };
    expect(body.data.entries.map((e) => e.eventId)).toEqual(['r-1']);
    const log2 = async () =>
      (
        (await h.request('GET', `${E}/webhooks/${hook.id}/deliveries`)).json() as {
          deliveries: DeliveryJson[];
        }
      ).deliveries;
    await until(async () => (await log2())[0]?.status === 'delivered');
    expect((await log2()).map((d) => [d.number, d.status])).toEqual([
      [2, 'delivered'],
      [1, 'cancelled'],
    ]);
    await down.down();
  });
});
