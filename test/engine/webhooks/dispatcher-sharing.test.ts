import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesSecretBox } from '../../../src/auth/secret-box.js';
import { HttpSender } from '../../../src/engine/webhooks/http-sender.js';
import { WebhookDispatcher } from '../../../src/engine/webhooks/webhook-dispatcher.js';
import { toJson } from '../../../src/http/json.js';
import { type Harness, startHarness, tshirtEvent } from '../../support/harness.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

/**
 * Dispatchers share the subscriptions: each takes about its share, a stopped one hands its share over
 * at once, and every entry still arrives once per subscription. Two dispatchers on one store stand for
 * two processes (each has its own lease owner), on the harness's store (ONHAND_TEST_BACKEND picks it).
 */
describe('webhook dispatchers', () => {
  let h: Harness;
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    h = await startHarness({ env: { ONHAND_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    await receiver.up();
  });
  afterAll(async () => {
    await h.close();
    await receiver.down();
  });
  const until = async (check: () => boolean, ms = 15_000) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline && !check(); )
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(check()).toBe(true);
  };

  it('share the subscriptions, and take over those of a dispatcher that stops', async () => {
    for (let i = 0; i < 4; i++) {
      const created = await h.request('POST', '/api/environment/test/webhooks', {
        url: `${receiver.url}/${i}`,
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    const { engine, store } = h.services;
    const other = new WebhookDispatcher(
      {
        store,
        feed: engine.feed,
        clock: () => new Date(),
        secrets: await AesSecretBox.open(h.settings.dataDir),
        sender: new HttpSender(true),
        settings: h.settings.webhooks,
        encode: toJson,
      },
      (error) => {
        throw error;
      },
    );
    engine.webhookDispatcher.start();
    other.start();
    await until(() => engine.webhookDispatcher.working + other.working === 4);
    // Each announced itself; a tick later neither holds more than its share.
    await engine.webhookDispatcher.tick();
    await other.tick();
    await until(() => engine.webhookDispatcher.working === 2 && other.working === 2);

    expect((await h.request('POST', '/api/environment/test/onhand', tshirtEvent('s-1'))).statusCode).toBe(
      200,
    );
    await until(() => [0, 1, 2, 3].every((i) => receiver.accepted(`/${i}`).length === 1));

    await other.stop();
    await until(() => engine.webhookDispatcher.working === 4);
    expect((await h.request('POST', '/api/environment/test/onhand', tshirtEvent('s-2'))).statusCode).toBe(
      200,
    );
    await until(() => [0, 1, 2, 3].every((i) => receiver.accepted(`/${i}`).length === 2));
    const eventIds = (i: number) =>
      receiver
        .accepted(`/${i}`)
        .flatMap((r) => (JSON.parse(r.body) as { data: { entries: { eventId: string }[] } }).data.entries)
        .map((e) => e.eventId);
    for (const i of [0, 1, 2, 3]) expect(eventIds(i)).toEqual(['s-1', 's-2']);
  });
});
