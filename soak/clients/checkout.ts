import { type ClientContext, HOT, loop, ORG, sleep } from './context.js';

/**
 * A checkout racing the others for the hot products: reserves one or two units with a time to live
 * (sometimes none), then releases part of it, has the ERP offset it, extends it, or lets it expire.
 * A quarter of its first attempts time out on purpose after a few milliseconds and are retried with
 * the same event id.
 */
export async function runCheckout(ctx: ClientContext, name: string): Promise<void> {
  let n = 0;
  const impatient = () => (ctx.rng.chance(0.25) ? { firstTimeoutMs: ctx.rng.int(3, 60) } : {});
  await loop(
    ctx,
    () => ctx.rng.int(20, 120),
    async () => {
      n++;
      const tuple = ctx.rng.pick(HOT);
      const quantity = ctx.rng.int(1, 2);
      const id = `${ctx.run}-${name}-${n}`;
      const reserve = {
        id,
        organizationId: ORG,
        productId: tuple.productId,
        dimensions: tuple.dimensions,
        quantityDataSource: 'iv',
        modifier: 'softreserved',
        quantity,
        ifCheckAvailForReserv: true,
        ...(ctx.rng.chance(0.85) ? { ttlSeconds: ctx.rng.int(2, 8) } : {}),
      };
      const reserved = await ctx.api.send({
        client: name,
        op: 'reserve',
        family: 'reserve',
        method: 'POST',
        path: '/onhand/reserve',
        body: reserve,
        ids: [id],
        ...impatient(),
      });
      const reservationId =
        reserved.items[0]?.status === 'success' ? reserved.items[0].reservationId : undefined;
      if (reservationId === undefined) return;
      await sleep(ctx.rng.int(0, 300));
      const roll = ctx.rng.next();
      if (roll < 0.35) {
        const body = {
          id: `${id}-u`,
          organizationId: ORG,
          productId: tuple.productId,
          reservationId,
          OffsetQty: ctx.rng.int(1, quantity),
        };
        await ctx.api.send({
          client: name,
          op: 'unreserve',
          family: 'unreserve',
          method: 'POST',
          path: '/onhand/unreserve',
          body,
          ids: [body.id],
          ...impatient(),
        });
      } else if (roll < 0.65) {
        const q = ctx.rng.int(1, quantity);
        const body = {
          id: `${id}-o`,
          organizationId: ORG,
          productId: tuple.productId,
          dimensions: tuple.dimensions,
          quantities: { pos: { outbound: q } },
          reservationId,
          offsetQty: q,
        };
        await ctx.api.send({
          client: name,
          op: 'offset',
          family: 'offset',
          method: 'POST',
          path: '/onhand/offset',
          body,
          ids: [body.id],
          ...impatient(),
        });
      } else if (roll < 0.85) {
        // An absolute expiry, so that a retry after a lost answer asks for the very same target.
        const expiresAt = new Date(Date.now() + ctx.rng.int(2, 8) * 1000).toISOString();
        await ctx.api.send({
          client: name,
          op: 'extend',
          family: 'reservation',
          method: 'POST',
          path: `/onhand/reservations/${reservationId}/extend`,
          body: { expiresAt },
          ids: [reservationId],
          ...impatient(),
        });
      }
    },
  );
}
