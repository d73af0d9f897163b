import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSender } from '../../../src/engine/webhooks/http-sender.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

/** The sender against a real local receiver: private addresses are refused when it connects. */
describe('HttpSender', () => {
  const receiver = new WebhookReceiver({ fails: (n) => n === 2 });
  beforeAll(() => receiver.up());
  afterAll(() => receiver.down());
  const port = () => new URL(receiver.url).port;
  const send = (sender: HttpSender, url: string) =>
    sender.send({
      url,
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
      body: '{"a":1}',
      timeoutMs: 2000,
    });

  it('with private addresses allowed, posts the body with its headers and gives the status', async () => {
    const sender = new HttpSender(true);
    expect(await send(sender, `${receiver.url}/x`)).toEqual({ status: 204 });
    expect(await send(sender, `http://localhost:${port()}/y`)).toEqual({ status: 500 });
    expect(
      receiver.received.map((r) => [r.path, r.body, r.headers['webhook-id'], r.headers['content-length']]),
    ).toEqual([
      ['/x', '{"a":1}', 'msg_1', '7'],
      ['/y', '{"a":1}', 'msg_1', '7'],
    ]);
  });

  it('otherwise refuses, at connect time, a name that resolves to a loopback address, and an IP literal', async () => {
    const sender = new HttpSender(false);
    const before = receiver.received.length;
    const byName = await send(sender, `http://localhost:${port()}/z`);
    expect(byName).toMatchObject({ error: expect.stringMatching(/private or loopback/) });
    const byAddress = await send(sender, `http://127.0.0.1:${port()}/z`);
    expect(byAddress).toMatchObject({ error: expect.stringMatching(/private or loopback/) });
    expect(receiver.received.length).toBe(before);
  });

  it('reports a refused connection and a receiver slower than the timeout', async () => {
    const slow = new WebhookReceiver({ delayMs: 1500 });
    await slow.up();
    try {
      const sender = new HttpSender(true);
      const timedOut = await sender.send({ url: slow.url, headers: {}, body: '{}', timeoutMs: 200 });
      expect(timedOut).toMatchObject({ error: expect.stringMatching(/timed out/) });
    } finally {
      await slow.down();
    }
    const refused = await new HttpSender(true).send({
      url: slow.url,
      headers: {},
      body: '{}',
      timeoutMs: 500,
    });
    expect(refused).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
