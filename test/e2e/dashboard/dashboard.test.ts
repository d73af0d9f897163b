import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createTestDatabase, testBackends } from '../../support/backends.js';
import {
  browserAvailable,
  buildDashboard,
  launchBrowser,
  screenshot,
  watchProblems,
} from '../../support/browser.js';
import { type ServerProcess, startServerProcess } from '../../support/server-process.js';
import { checkOciViews } from './dashboard-oci.js';
import { checkWebhookLag } from './dashboard-operations.js';
import { ApiClient, reserve, seedDemo } from './dashboard-seed.js';

/**
 * The dashboard in Debian's Chromium against a real `onhand serve` process, on each backend: sign in,
 * explore, open a product, see a reservation appear live when another client reserves, edit the
 * configuration and see the server's validation error on its field, a read-only client without write
 * controls, an accessibility check (axe-core), sign out. Every step saves a screenshot.
 */
const ADMIN_SECRET = 'dashboard-admin-secret-0123456789';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const run = browserAvailable();

describe.runIf(run).each(run ? testBackends() : [])('the dashboard (%s)', (backend: Backend) => {
  let server: ServerProcess;
  let drop: (() => Promise<void>) | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let admin: ApiClient;
  let reader: { clientId: string; secret: string };
  const shot = (name: string, fullPage = true) => screenshot(page, `${backend}-${name}`, fullPage);

  beforeAll(async () => {
    buildDashboard();
    const database = backend === 'postgres' ? await createTestDatabase() : undefined;
    drop = database?.drop;
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    server = await startServerProcess({
      ONHAND_DATA_DIR: mkdtempSync(join(tmpdir(), 'onhand-ui-')),
      ONHAND_ADMIN_CLIENT_ID: 'admin',
      ONHAND_ADMIN_CLIENT_SECRET: ADMIN_SECRET,
      ONHAND_ENVIRONMENTS: 'demo',
      // The operations screen's webhook lag is shown with a subscription to a port nothing listens on.
      ONHAND_WEBHOOKS_ALLOW_PRIVATE: 'true',
      ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
    });
    admin = await ApiClient.signIn(server.url, 'admin', ADMIN_SECRET);
    await seedDemo(admin);
    reader = (await admin.ok('POST', '/api/admin/clients', {
      clientId: 'viewer',
      roles: { demo: 'read' },
    })) as {
      clientId: string;
      secret: string;
    };
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    problems = watchProblems(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await drop?.();
  });

  const signIn = async (clientId: string, secret: string) => {
    await page.goto(`${server.url}/ui/`);
    await page.getByLabel('Client id', { exact: true }).fill(clientId);
    await page.getByLabel('Client secret').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
  };

  it('signs in with a client id and secret; the token stays out of the URL', async () => {
    await signIn('admin', ADMIN_SECRET);
    await page.getByRole('link', { name: 'demo' }).waitFor();
    expect(page.url()).not.toContain(admin.token.slice(0, 20));
    expect(page.url()).not.toContain(ADMIN_SECRET);
    await shot('1-environments');
  });

  it('explores the stock: exact, right-aligned numbers, negatives marked, sorting and CSV export', async () => {
    await page.getByRole('link', { name: 'demo' }).click();
    await page.getByRole('heading', { name: 'Stock explorer' }).waitFor();
    await page.getByLabel('Products').fill('T-shirt');
    await page.getByLabel('pos.inbound').check();
    await page.getByRole('button', { name: 'Query', exact: true }).click();
    const table = page.getByRole('table', { name: 'Stock' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const texts = await rows.allInnerTexts();
    expect(texts.join('\n')).toContain('\t7.3\t');
    expect(texts.join('\n')).toContain('999999999999.999999');
    const negative = table.locator('td.negative').first();
    expect(await negative.innerText()).toMatch(/-4/);
    expect(
      await negative.evaluate(
        (td) =>
          (
            globalThis as unknown as { getComputedStyle: (e: unknown) => { textAlign: string } }
          ).getComputedStyle(td).textAlign,
      ),
    ).toBe('right');
    await table.getByRole('button', { name: 'pos.availquantity' }).click();
    await expect.poll(async () => (await rows.first().innerText()).includes('-4')).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv.split('\r\n')[0]).toContain('Product');
    expect(csv).toContain('999999999999.999999');
    await shot('2-explorer');
  });

  it('opens a product and sees a reservation of another client appear live, with its time left', async () => {
    await page.getByRole('link', { name: 'T-shirt' }).first().click();
    await page
      .getByRole('heading', { name: /T-shirt/ })
      .first()
      .waitFor();
    await page.getByRole('table', { name: 'Availability of T-shirt' }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    const reservations = page.getByRole('table', { name: 'Open reservations of T-shirt' });
    await reservations.waitFor();
    const channel = await admin.ok('POST', '/api/admin/clients', { roles: { demo: 'write' } });
    const { clientId, secret } = channel as { clientId: string; secret: string };
    const reservationId = await reserve(
      await ApiClient.signIn(server.url, clientId, secret),
      'order-live-1',
      2,
    );
    await reservations.getByRole('cell', { name: reservationId, exact: true }).waitFor({ timeout: 15_000 });
    await expect.poll(() => reservations.innerText()).toMatch(/1[45] min \d+ s/);
    await page.getByRole('table', { name: 'History of T-shirt' }).getByText('reservation.reserve').waitFor();
    await shot('3-product');
  });

  it('moves the "as of" slider to the first change and shows availability as it was then', async () => {
    const availability = page.getByRole('table', { name: 'Availability of T-shirt' });
    const slider = page.getByRole('slider', { name: 'As of' });
    await slider.focus();
    await page.keyboard.press('Home');
    await page.getByRole('heading', { name: /as of position/ }).waitFor();
    await expect.poll(() => availability.locator('tbody tr').count()).toBe(1);
    expect(await availability.locator('tbody tr').first().innerText()).toMatch(/^1\t11\t.*0\.1/);
    await page.getByRole('button', { name: 'Back to now' }).click();
    await expect.poll(() => availability.locator('tbody tr').count()).toBe(3);
  });

  it('lists the change feed live, filterable by product', async () => {
    await page.getByRole('link', { name: 'Live changes' }).click();
    const feed = page.getByRole('table', { name: 'Change feed entries' });
    await feed.getByRole('cell', { name: 'order-live-1', exact: true }).waitFor();
    await page.getByLabel('Product contains').fill('no-such-product');
    await expect.poll(() => feed.getByRole('cell', { name: 'order-live-1', exact: true }).count()).toBe(0);
    await page.getByLabel('Product contains').fill('shirt');
    await feed.getByRole('cell', { name: 'order-live-1', exact: true }).waitFor();
    await shot('3b-live');
  });

  it('edits the configuration and shows the validation error on its field', async () => {
    await page.getByRole('link', { name: 'Configuration' }).click();
    const field = page.locator('#cfg-scheduleConfiguration-schedulePeriodInDays');
    await field.fill('999');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`#${describedBy}`).innerText()).toContain('between 1 and 180');
    await field.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot('4-configuration-error', false);
    const config = (await admin.ok('GET', '/api/environment/demo/configuration')) as {
      scheduleConfiguration: { schedulePeriodInDays: number };
    };
    expect(config.scheduleConfiguration.schedulePeriodInDays).toBe(30);
  });

  it('shows each webhook subscription on the operations screen with how far behind it is', () =>
    checkWebhookLag(page, server.url, admin, shot));

  it('shows OCI availability by location group on the product page, live, and the Locations screen', () =>
    checkOciViews(page, server.url, admin, shot));

  it('is readable on a tablet: no screen is wider than the window', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    const overflow = () =>
      page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      ) as Promise<number>;
    for (const [hash, heading] of [
      ['#/demo/product/usmf/T-shirt', 'History'],
      ['#/demo/explorer', 'Stock explorer'],
      ['#/demo/configuration', 'Configuration'],
      ['#/demo/locations', 'Locations'],
    ] as const) {
      await page.goto(`${server.url}/ui/${hash}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await overflow(), hash).toBeLessThanOrEqual(0);
    }
    await page.goto(`${server.url}/ui/#/demo/product/usmf/T-shirt`);
    await page.locator('.chart canvas').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot('4b-tablet-product');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('serves the dashboard under a strict Content-Security-Policy, with no violation', async () => {
    const response = await fetch(`${server.url}/ui/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe-inline');
    expect(problems).toEqual([]);
  });

  it('has no serious accessibility violations (axe-core) on its main screens', async () => {
    const axePage = await (await browser.newContext({ bypassCSP: true })).newPage();
    await axePage.goto(`${server.url}/ui/`);
    const check = async (name: string) => {
      await axePage.evaluate(AXE);
      const result = (await axePage.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
        violations: { id: string; impact: string; nodes: unknown[] }[];
      };
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${name}: ${v.id} (${v.nodes.length})`)).toEqual([]);
    };
    await check('sign-in');
    await axePage.getByLabel('Client id', { exact: true }).fill('admin');
    await axePage.getByLabel('Client secret').fill(ADMIN_SECRET);
    await axePage.getByRole('button', { name: 'Sign in' }).click();
    await axePage.getByRole('heading', { name: 'Environments' }).waitFor();
    await check('environments');
    for (const [hash, heading] of [
      ['#/demo/explorer', 'Stock explorer'],
      ['#/demo/product/usmf/T-shirt', 'History'],
      ['#/demo/live', 'Live changes'],
      ['#/demo/configuration', 'Configuration'],
      ['#/demo/operations', 'Operations'],
      ['#/demo/locations', 'Locations'],
    ] as const) {
      await axePage.goto(`${server.url}/ui/${hash}`);
      await axePage.getByRole('heading', { name: heading, exact: true }).waitFor();
      await check(hash);
    }
    await axePage.context().close();
  });

  it('shows a read-only client no write controls', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(reader.clientId, reader.secret);
    await page.goto(`${server.url}/ui/#/demo/product/usmf/T-shirt`);
    const reservations = page.getByRole('table', { name: 'Open reservations of T-shirt' });
    await reservations.locator('tbody tr').first().waitFor();
    expect(await reservations.getByRole('button', { name: /Release/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByText('Read only').waitFor();
    expect(await page.getByRole('button', { name: 'Save configuration' }).count()).toBe(0);
    expect(await page.locator('#cfg-scheduleConfiguration-schedulePeriodInDays').isDisabled()).toBe(true);
    await shot('5-read-only');
  });

  it('signs out: the token is gone from the tab', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(
      await page.evaluate(() =>
        Object.keys((globalThis as unknown as { sessionStorage: object }).sessionStorage),
      ),
    ).toEqual([]);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shot('6-signed-out');
  });
});
