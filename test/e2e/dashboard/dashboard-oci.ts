import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { type ApiClient, ociCount, seedOci } from './dashboard-seed.js';

/** The text of the table row whose first cell is `first` (cells joined by tabs). */
async function rowText(page: Page, table: string, first: string): Promise<string> {
  const row = page
    .getByRole('table', { name: table })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: first, exact: true }) });
  return (await row.innerText()).trim();
}

/**
 * The OCI views (docs/dashboard.md): with a location graph seeded, the product page shows the
 * T-shirt's availability by location group and by OCI location with exact values, follows an OCI
 * batch-update in place through the feed, and the Locations screen shows the graph with IV places and
 * the safety stock of a SKU typed with the keyboard. `reserved` is the reservation of 2 at site 2,
 * location 21 that the product test made (order-live-1).
 */
export async function checkOciViews(
  page: Page,
  url: string,
  admin: ApiClient,
  shot: (name: string, fullPage?: boolean) => Promise<void>,
): Promise<void> {
  await seedOci(admin);
  await page.goto(`${url}/ui/#/demo/product/usmf/T-shirt`);
  const groups = 'Availability of T-shirt by location group';
  const locations = 'Availability of T-shirt by OCI location';
  await page.getByRole('heading', { name: 'Availability by location group' }).waitFor();
  await page.getByRole('table', { name: groups }).getByRole('cell', { name: 'north', exact: true }).waitFor();
  // Group: on hand 10.125 + 3.3, reserved 2, safety stock 2.5 + 0.1, ATF 7.625 + (3.3 − 2 − 0.1).
  expect(await rowText(page, groups, 'north')).toBe(
    'north\tstore-11, store-21\t13.425\t2\t2.6\t8.825\t8.825\t0\t0',
  );
  expect(await rowText(page, locations, 'store-11')).toBe('store-11\t1 / 11\t10.125\t0\t2.5\t7.625\t7.625');
  expect(await rowText(page, locations, 'store-21')).toBe('store-21\t2 / 21\t3.3\t2\t0.1\t1.2\t1.2');
  // An OCI count arrives through the feed: the group table changes in place, without a reload.
  await page.evaluate('window.__ociMarker = true');
  await ociCount(admin, 'oci-3', 'store-11', 20, 2.5);
  await expect
    .poll(() => rowText(page, groups, 'north'), { timeout: 15_000 })
    .toBe('north\tstore-11, store-21\t23.3\t2\t2.6\t18.7\t18.7\t0\t0');
  expect(await page.evaluate('window.__ociMarker')).toBe(true);
  await page
    .getByRole('heading', { name: 'Availability by location group' })
    .evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot('4c-product-oci', false);

  await page.getByRole('link', { name: 'Locations' }).click();
  await page.getByRole('heading', { name: 'Locations', exact: true }).waitFor();
  const places = 'OCI locations and their IV place';
  await page.getByRole('table', { name: places }).waitFor();
  expect(await rowText(page, places, 'store-11')).toBe('store-11\tusmf / 1 / 11\tnorth');
  expect(await rowText(page, places, 'warehouse-9')).toBe('warehouse-9\tusmf / warehouse-9 / warehouse-9');
  expect(await rowText(page, 'Location groups', 'north')).toBe('north\tstore-11, store-21');
  await page.getByLabel('SKU (IV product id)').fill('T-shirt');
  await page.keyboard.press('Enter');
  const safety = 'Safety stock and availability of T-shirt by location';
  await page.getByRole('table', { name: safety }).waitFor();
  expect(await rowText(page, safety, 'store-11')).toBe('store-11\t20\t0\t2.5\t17.5\t17.5');
  expect(await rowText(page, safety, 'store-21')).toBe('store-21\t3.3\t2\t0.1\t1.2\t1.2');
  await shot('4d-locations');
}
