import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ApiClient } from './dashboard-seed.js';

/**
 * The operations screen's webhook lag: a subscription to a port nothing listens on, three changes
 * behind it; the screen shows it active, at least 2 entries behind, and how long the oldest waited.
 */
export async function checkWebhookLag(
  page: Page,
  url: string,
  admin: ApiClient,
  shot: (name: string) => Promise<void>,
): Promise<void> {
  const hook = (await admin.ok('POST', '/api/environment/demo/webhooks', {
    url: 'http://127.0.0.1:9/down',
    description: 'a receiver that is down',
  })) as { id: string; position: string };
  const change = (id: string) =>
    admin.ok('POST', '/api/environment/demo/onhand', {
      id,
      organizationId: 'usmf',
      productId: 'Lagging',
      dimensions: { siteid: '1', locationid: '11' },
      quantities: { pos: { inbound: 1 } },
    });
  // The first entry is handed to a delivery that keeps failing (the subscription's position passes it);
  // the ones written after that wait behind it. (Written at once, one delivery could take all three.)
  await change('lag-1');
  const position = async () => {
    const { webhooks } = (await admin.ok('GET', '/api/environment/demo/webhooks')) as {
      webhooks: { id: string; position: string }[];
    };
    return webhooks.find((w) => w.id === hook.id)?.position;
  };
  await expect.poll(position, { timeout: 15_000 }).not.toBe(hook.position);
  for (const id of ['lag-2', 'lag-3']) await change(id);
  const table = page.getByRole('table', { name: 'Webhook subscriptions and their lag' });
  const behind = async () => {
    await page.goto(`${url}/ui/#/demo/live`);
    await page.goto(`${url}/ui/#/demo/operations`);
    const row = table.getByRole('row').filter({ hasText: hook.id });
    await row.waitFor();
    return Number((await row.getByRole('cell').nth(4).innerText()).replace('+', ''));
  };
  await expect.poll(behind, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  const row = table.getByRole('row').filter({ hasText: hook.id });
  expect(await row.getByRole('cell').nth(2).innerText()).toBe('active');
  expect(await row.getByRole('cell').nth(5).innerText()).toMatch(/^\d+ (s|min)$/);
  await shot('4b-operations');
  await admin.ok('DELETE', `/api/environment/demo/webhooks/${hook.id}`);
}
