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
  })) as { id: string };
  // The first entry is handed to a delivery that keeps failing; the ones after it wait behind it.
  for (const id of ['lag-1', 'lag-2', 'lag-3']) {
    await admin.ok('POST', '/api/environment/demo/onhand', {
      id,
      organizationId: 'usmf',
      productId: 'Lagging',
      dimensions: { siteid: '1', locationid: '11' },
      quantities: { pos: { inbound: 1 } },
    });
  }
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
