import { Checkout, type OnhandClient } from '@onhand/client';

/**
 * Order events of a commerce channel, each idempotent by order line: the event ids are made from the
 * order and line (and the revision, for edits), so an event delivered twice changes stock once.
 */
export interface OrderLine {
  readonly orderId: string;
  readonly lineId: string;
  readonly productId: string;
  readonly dimensions: Record<string, string>;
  quantity: number;
  /** Reservations made for the line, oldest first (keep them with the order). */
  reservations: { reservationId: string; quantity: number }[];
}

const org = 'usmf';
const idOf = (line: OrderLine, step: string) => `${line.orderId}-${line.lineId}-${step}`;

/** Order created: reserve the line. */
export async function orderCreated(client: OnhandClient, line: OrderLine): Promise<void> {
  const hold = await new Checkout(client).reserve({
    ...base(line),
    id: idOf(line, 'created'),
    quantity: line.quantity,
  });
  line.reservations = [{ reservationId: hold.reservationId, quantity: line.quantity }];
}

/** Order edited (revision n): reserve the increase, or release the decrease from the newest reservations. */
export async function orderEdited(client: OnhandClient, line: OrderLine, quantity: number, n: number) {
  const checkout = new Checkout(client);
  if (quantity > line.quantity) {
    const more = quantity - line.quantity;
    const hold = await checkout.reserve({ ...base(line), id: idOf(line, `edit-${n}`), quantity: more });
    line.reservations.push({ reservationId: hold.reservationId, quantity: more });
  }
  let less = line.quantity - quantity;
  for (const [i, r] of [...line.reservations.entries()].reverse()) {
    if (less <= 0) break;
    const take = Math.min(less, r.quantity);
    await checkout.release({
      ...base(line),
      id: idOf(line, `edit-${n}-${i}`),
      reservationId: r.reservationId,
      quantity: take,
    });
    r.quantity -= take;
    less -= take;
  }
  line.quantity = quantity;
}

/** Order cancelled: release what the line still holds. */
export async function orderCancelled(client: OnhandClient, line: OrderLine): Promise<void> {
  const checkout = new Checkout(client);
  for (const [i, r] of line.reservations.entries()) {
    if (r.quantity > 0) {
      await checkout.release({
        ...base(line),
        id: idOf(line, `cancel-${i}`),
        reservationId: r.reservationId,
        quantity: r.quantity,
      });
      r.quantity = 0;
    }
  }
}

/** Order fulfilled (shipped): the outbound on-hand change and the release of its reservations, in one step each. */
export async function orderFulfilled(client: OnhandClient, line: OrderLine): Promise<void> {
  const checkout = new Checkout(client);
  for (const [i, r] of line.reservations.entries()) {
    if (r.quantity > 0) {
      await checkout.commit({
        ...base(line),
        id: idOf(line, `ship-${i}`),
        reservationId: r.reservationId,
        quantity: r.quantity,
      });
      r.quantity = 0;
    }
  }
}

/** Order returned (n: the return's number): the goods come back on hand. */
export async function orderReturned(client: OnhandClient, line: OrderLine, quantity: number, n: number) {
  await client.request('post', '/api/environment/{environmentId}/onhand', {
    body: { ...base(line), id: idOf(line, `return-${n}`), quantities: { pos: { inbound: quantity } } },
  });
}

function base(line: OrderLine) {
  return { organizationId: org, productId: line.productId, dimensions: line.dimensions };
}
