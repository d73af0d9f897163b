import { type AvailabilityCache, Checkout, OnhandApiError, OnhandClient } from '@onhand/client';

/** The shop's server side: a cart hold for 15 minutes, then payment, then shipment. */
export async function checkoutCart(
  baseUrl: string,
  serverKey: { clientId: string; clientSecret: string },
  cache?: AvailabilityCache,
) {
  const client = new OnhandClient({ baseUrl, environmentId: 'shop', credentials: serverKey });
  const checkout = new Checkout(client, cache);
  const line = {
    organizationId: 'usmf',
    productId: 'T-shirt',
    dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
  };
  try {
    const hold = await checkout.reserve({ ...line, id: 'cart-42-line-1', quantity: 2, ttlSeconds: 900 });
    await checkout.extend(hold, 1800); // the customer is still paying
    await checkout.commit({
      ...line,
      id: 'cart-42-line-1-ship',
      reservationId: hold.reservationId,
      quantity: 2,
    });
    return 'shipped';
  } catch (error) {
    if (error instanceof OnhandApiError && error.code === 'insufficient_availability') return 'sold out';
    throw error;
  }
}
