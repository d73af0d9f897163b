import { type ClientContext, HOT, loop, ORG, TAIL, type Tuple } from './context.js';

const change = (id: string, t: Tuple, quantities: Record<string, Record<string, number>>) => ({
  id,
  organizationId: ORG,
  productId: t.productId,
  dimensions: t.dimensions,
  quantities,
});

/**
 * The ERP: bulk on-hand changes (receipts and shipments of the long tail, receipts of the hot products)
 * and, now and then, counts that set a quantity whatever it was (hot products included).
 */
export async function runErp(ctx: ClientContext, name = 'erp'): Promise<void> {
  let n = 0;
  await loop(
    ctx,
    () => ctx.rng.int(80, 250),
    async () => {
      n++;
      const size = ctx.rng.int(5, 60);
      const events = Array.from({ length: size }, (_, i) => {
        const id = `${ctx.run}-${name}-${n}-${i}`;
        if (i === 0) return change(id, ctx.rng.pick(HOT), { pos: { inbound: ctx.rng.int(1, 3) } });
        const measure = ctx.rng.chance(0.7) ? 'inbound' : 'outbound';
        return change(id, ctx.rng.pick(TAIL), { pos: { [measure]: ctx.rng.int(1, 20) } });
      });
      await ctx.api.send({
        client: name,
        op: 'onhand.bulk',
        family: 'onhand',
        method: 'POST',
        path: '/onhand/bulk',
        body: events,
        ids: events.map((e) => e.id),
        ...(ctx.rng.chance(0.1) ? { firstTimeoutMs: ctx.rng.int(5, 40) } : {}),
      });
      if (n % 8 !== 0) return;
      const counted = ctx.rng.chance(0.3) ? [ctx.rng.pick(HOT)] : [ctx.rng.pick(TAIL), ctx.rng.pick(TAIL)];
      const counts = [...new Set(counted)].map((t, i) => ({
        ...change(`${ctx.run}-${name}-count-${n}-${i}`, t, { pos: { inbound: ctx.rng.int(4, 40) } }),
      }));
      await ctx.api.send({
        client: name,
        op: 'setonhand',
        family: 'setonhand',
        method: 'POST',
        path: '/setonhand/pos/bulk',
        body: counts,
        ids: counts.map((c) => c.id),
      });
    },
  );
}
