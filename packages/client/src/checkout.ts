import type { AvailabilityCache } from './cache.js';
import type { OnhandClient } from './client.js';
import type { components } from './generated/openapi.js';

type Dimensions = Readonly<Record<string, string>>;

/** What a checkout call is about: one product at one place. */
export interface LineItem {
  readonly organizationId: string;
  readonly productId: string;
  /** At least the partition dimensions (`siteId`, `locationId`), and e.g. `colorId`. */
  readonly dimensions: Dimensions;
  /**
   * The event id. Give a stable one (an order line's) to make the call idempotent across retries and
   * restarts of your process; a random one is made otherwise (still reused by the client's retries).
   */
  readonly id?: string;
}

/** A reservation made by reserve(). */
export interface Hold {
  readonly reservationId: string;
  readonly eventId: string;
  readonly expiresAt: string | undefined;
}

/** The reserved measure (default `iv.softreserved`, whose availability is `iv.availabletoreserve`). */
export interface ReservedMeasure {
  readonly dataSource?: string;
  readonly modifier?: string;
}

/**
 * Checkout goes live: every call goes to the server, which checks availability under the partition's
 * lock (never the cache, so racing checkouts never oversell), and each answer refreshes the product in
 * the cache, so the storefront shows the hold at once. A refused reserve throws OnhandApiError with
 * `code: 'insufficient_availability'` (HTTP 409).
 */
export class Checkout {
  constructor(
    private readonly client: OnhandClient,
    private readonly cache?: AvailabilityCache,
  ) {}

  /** Holds `quantity` for the cart, released automatically after `ttlSeconds` unless extended or committed. */
  async reserve(item: LineItem & ReservedMeasure & { quantity: number; ttlSeconds?: number }): Promise<Hold> {
    const eventId = item.id ?? newEventId('hold');
    const { data } = await this.client.request('post', '/api/environment/{environmentId}/onhand/reserve', {
      body: {
        id: eventId,
        organizationId: item.organizationId,
        productId: item.productId,
        dimensions: { ...item.dimensions },
        quantity: item.quantity,
        quantityDataSource: item.dataSource ?? 'iv',
        modifier: item.modifier ?? 'softreserved',
        ifCheckAvailForReserv: true,
        ...(item.ttlSeconds === undefined ? {} : { ttlSeconds: item.ttlSeconds }),
      },
    });
    await this.cache?.refresh(item.productId);
    const answer = data as { reservationId?: string; expiresAt?: string };
    return { reservationId: answer.reservationId ?? '', eventId, expiresAt: answer.expiresAt };
  }

  /** Moves the expiry of a hold: `ttlSeconds` from now. */
  async extend(hold: Pick<Hold, 'reservationId'>, ttlSeconds: number): Promise<string | undefined> {
    const { data } = await this.client.request(
      'post',
      '/api/environment/{environmentId}/onhand/reservations/{reservationId}/extend',
      { path: { reservationId: hold.reservationId }, body: { ttlSeconds } },
    );
    return (data as { expiresAt?: string | null }).expiresAt ?? undefined;
  }

  /** Releases `quantity` of a hold (the cart dropped it). */
  async release(item: LineItem & { reservationId: string; quantity: number }): Promise<void> {
    await this.client.request('post', '/api/environment/{environmentId}/onhand/unreserve', {
      body: {
        id: item.id ?? newEventId('release'),
        organizationId: item.organizationId,
        productId: item.productId,
        reservationId: item.reservationId,
        dimensions: { ...item.dimensions },
        OffsetQty: item.quantity,
      },
    });
    await this.cache?.refresh(item.productId);
  }

  /**
   * Commits a hold when the goods ship: the on-hand change (default `pos.outbound` = quantity) and the
   * release of the reservation in one step (POST …/onhand/offset).
   */
  async commit(
    item: LineItem & {
      reservationId: string;
      quantity: number;
      quantities?: components['schemas']['Quantities'];
    },
  ): Promise<void> {
    await this.client.request('post', '/api/environment/{environmentId}/onhand/offset', {
      body: {
        id: item.id ?? newEventId('commit'),
        organizationId: item.organizationId,
        productId: item.productId,
        dimensions: { ...item.dimensions },
        quantities: item.quantities ?? { pos: { outbound: item.quantity } },
        reservationId: item.reservationId,
        offsetQty: item.quantity,
      },
    });
    await this.cache?.refresh(item.productId);
  }
}

/** A new random event id, e.g. `hold-3f1c…`. */
export function newEventId(prefix: string): string {
  return `${prefix}-${globalThis.crypto.randomUUID()}`;
}
