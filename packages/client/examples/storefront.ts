import { AvailabilityCache, OnhandClient } from '@onhand/client';

/** A product page's availability, answered from memory and kept live by the change feed. */
export async function openStorefront(
  baseUrl: string,
  browserKey: { clientId: string; clientSecret: string },
) {
  const client = new OnhandClient({ baseUrl, environmentId: 'shop', credentials: browserKey });
  const cache = new AvailabilityCache({
    client,
    organizationId: 'usmf',
    productIds: ['T-shirt', 'Mug'],
    locationIds: ['11', '12'],
  });
  await cache.start(); // one index query, then the feed from its position

  const inStore = cache.available('T-shirt', { siteId: '1', locationId: '11' });
  const redInStore = cache.available('T-shirt', { siteId: '1', locationId: '11', colorId: 'red' });
  const { position, lastEntryLagMs } = cache.status(); // how far behind it is
  return { cache, inStore, redInStore, position, lastEntryLagMs };
}
