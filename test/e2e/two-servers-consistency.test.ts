import { expect, it } from 'vitest';
import { stockBody, units } from '../support/reservation-helpers.js';
import { describeOnTwoServers, useTwoServers } from '../support/two-servers.js';

/*
 * Two server processes sharing one database (test/support/two-servers.ts): a token of one is good on
 * the other, and a write acknowledged by one is seen at once by a query on the other.
 */
describeOnTwoServers((create) => {
  const t = useTwoServers(create);
  const { on, call, send, measure } = t;

  it('a token issued by one server is accepted by the other', async () => {
    expect(t.servers()).toHaveLength(2);
    expect((await call(t.servers()[1]!, 'GET', '/ledger?limit=1')).status).toBe(200);
    expect((await call(t.servers()[0]!, 'GET', '/ledger?limit=1')).status).toBe(200);
  });

  it('a query on one server right after the other acknowledged a write shows it, for 16 clients at once', async () => {
    // The default consistency across processes (docs/storefront.md): each client writes its own product
    // through B and, as soon as B answers, queries A (and the next round the other way). The queries of
    // the clients meet on each server and share its settle checks; every answer must show the write.
    const rounds = 8;
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        const product = `ryw-${w}`;
        for (let i = 1; i <= rounds; i++) {
          const writer = on(i + w);
          const reader = on(i + w + 1);
          expect((await send(writer, '', stockBody(`${product}-${i}`, product, { inbound: 1 }))).status).toBe(
            200,
          );
          expect(await measure(reader, product, 'pos', 'inbound'), `client ${w}, write ${i}`).toBe(units(i));
        }
      }),
    );
  });
});
