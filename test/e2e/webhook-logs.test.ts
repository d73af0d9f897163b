import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tshirtEvent } from '../support/harness.js';
import { OnhandHttp } from '../support/onhand-http.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * A webhook receiver that is down is in the server's log (docs/webhooks.md, "What the server logs"):
 * each failed attempt as a warning naming the subscription, the receiver's origin (never its path) and
 * when it is tried again, and the delivery that reaches it again afterwards. The soak's receiver was
 * down every 15 s and the servers said nothing of it.
 */
describe('the log of a webhook receiver that is down', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'onhand-webhook-logs-'));
  let server: ServerProcess | undefined;
  const receiver = new WebhookReceiver();
  afterAll(async () => {
    await server?.stop();
    await receiver.down();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lines = () =>
    (server?.output() ?? '')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const until = async (check: () => boolean, what: string) => {
    for (const deadline = Date.now() + 20_000; !check(); ) {
      if (Date.now() > deadline) throw new Error(`${what} never came:\n${server?.output().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('warns at each failed attempt, and says when the receiver was reached again', async () => {
    server = await startServerProcess({
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: 'ops-secret-for-the-webhook-logs-test',
      ONHAND_ENVIRONMENTS: 'hooks',
      ONHAND_WEBHOOKS_ALLOW_PRIVATE: 'true',
      ONHAND_WEBHOOKS_TIMEOUT_MS: '1000',
      ONHAND_LOG_LEVEL: 'info',
    });
    const http = new OnhandHttp(
      server,
      'hooks',
      await OnhandHttp.token(server, 'ops', 'ops-secret-for-the-webhook-logs-test'),
    );
    await receiver.up();
    const origin = receiver.url;
    await receiver.down(); // its port is closed: connections are refused
    const created = await http.call('POST', '/webhooks', { url: `${origin}/hook/secret-path-token` });
    expect(created.status).toBe(201);
    const webhookId = (created.body as { id: string }).id;
    await http.write('/onhand', tshirtEvent('logged-1'));

    const failed = () => lines().filter((l) => l.msg === 'webhook delivery failed; it will be retried');
    await until(() => failed().length >= 2, 'two warnings of failed attempts');
    const [first, second] = failed();
    expect(first).toMatchObject({
      level: 40,
      environmentId: 'hooks',
      webhookId,
      receiver: origin,
      attempt: 1,
    });
    expect(second).toMatchObject({ webhookId, attempt: 2, deliveryId: first!.deliveryId });
    expect(String(first!.error)).toMatch(/ECONNREFUSED/);
    expect(Date.parse(String(first!.retryAt))).toBeGreaterThanOrEqual(Number(first!.time));
    // The receiver's path (which may hold a token) is never logged.
    expect(server.output()).not.toContain('secret-path-token');

    await receiver.up();
    const back = () => lines().filter((l) => l.msg?.toString().startsWith('webhook receiver reached again'));
    await until(() => back().length === 1, 'the line saying the receiver was reached again');
    expect(back()[0]).toMatchObject({ level: 30, webhookId, deliveryId: first!.deliveryId });
    expect(Number(back()[0]!.attempt)).toBeGreaterThan(2);
    expect(receiver.accepted()).toHaveLength(1);
  }, 60_000);
});
