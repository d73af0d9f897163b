import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { follow } from '../support/sse-client.js';

/*
 * The availability role (docs/security.md, "Browser keys") and cross-origin access
 * (ONHAND_CORS_ORIGINS): a storefront's browser key reads availability and nothing else, and a
 * listed origin may call the API from a page.
 */

let h: Harness;
let base: string;
let browserToken: string;
const E = '/api/environment/test';
const SHOP = 'https://shop.example.com';

beforeAll(async () => {
  h = await startHarness({ env: { ONHAND_CORS_ORIGINS: `${SHOP}, https://other.example.com/` } });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browserToken = await h.tokenWithRole(['test'], 'availability');
  const receipt = tshirtEvent('Order-1001', { quantities: { pos: { inbound: 5 } } });
  expect((await h.request('POST', `${E}/onhand`, receipt)).statusCode).toBe(200);
});
afterAll(() => h.close());

const asBrowser = { token: () => browserToken };

describe('a browser key (role availability)', () => {
  it('answers availability queries', async () => {
    const res = await h.request('GET', `${E}/onhand?organizationId=usmf&productId=T-shirt`, undefined, {
      token: asBrowser.token(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()[0].quantities.iv.availabletoreserve).toBe(5);
    expect(res.headers['onhand-position']).toMatch(/^\d+$/);
  });

  it('cannot write, reserve, or read reservations, the ledger, the feed pull, snapshots or configuration', async () => {
    const token = asBrowser.token();
    const refused = [
      ['POST', `${E}/onhand`, tshirtEvent('from-browser')],
      ['POST', `${E}/onhand/reserve`, { id: 'x', organizationId: 'usmf', productId: 'T-shirt', quantity: 1 }],
      ['GET', `${E}/ledger`],
      ['GET', `${E}/feed?after=0`],
      ['GET', `${E}/snapshot`],
      ['GET', `${E}/configuration`],
    ] as const;
    for (const [method, url, body] of refused) {
      const res = await h.request(method, url, body, { token });
      expect({ url, status: res.statusCode, code: res.json().code }).toEqual({
        url,
        status: 403,
        code: 'forbidden',
      });
    }
    const feed = await h.request('GET', `${E}/feed?after=0`);
    expect(feed.json().entries.map((e: { eventId: string }) => e.eventId)).toEqual(['Order-1001']);
  });

  it('follows the event stream, by token or by ticket, without event ids, client ids or deltas', async () => {
    const token = asBrowser.token();
    const byToken = await follow(`${base}${E}/feed/stream?after=0`, { authorization: `Bearer ${token}` });
    const [entry] = await byToken.entries(1);
    byToken.close();
    const ticketRes = await h.request('POST', `${E}/feed/tickets`, {}, { token });
    expect(ticketRes.statusCode).toBe(200);
    const byTicket = await follow(`${base}${E}/feed/stream?after=0&ticket=${ticketRes.json().ticket}`);
    const [same] = await byTicket.entries(1);
    byTicket.close();
    for (const event of [entry, same]) {
      const data = JSON.parse(event?.data ?? '{}');
      expect(data).toMatchObject({ kind: 'onhand.change', eventId: null, clientId: null, reference: null });
      expect(data.changes).toEqual([]);
      expect(data.availability[0].quantities.iv.availabletoreserve).toBe(5);
    }
    const admin = await follow(`${base}${E}/feed/stream?after=0`, {
      authorization: `Bearer ${h.adminToken}`,
    });
    const [full] = await admin.entries(1);
    admin.close();
    expect(JSON.parse(full?.data ?? '{}').eventId).toBe('Order-1001');
  });

  it('gets the availability digest', async () => {
    const res = await h.request(
      'POST',
      `${E}/availability/digest`,
      { organizationId: 'usmf', productIds: ['T-shirt'], groupBy: [], measure: 'iv.availabletoreserve' },
      { token: asBrowser.token() },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ measure: 'iv.availabletoreserve', count: 1 });
  });

  it('a digest with a malformed measure is refused and changes nothing', async () => {
    const res = await h.request('POST', `${E}/availability/digest`, {
      organizationId: 'usmf',
      productIds: ['T-shirt'],
      groupBy: [],
      measure: 'availabletoreserve',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_request');
  });
});

describe('cross-origin access (ONHAND_CORS_ORIGINS)', () => {
  it('answers a preflight from a listed origin with the methods and headers the SDK sends', async () => {
    const res = await fetch(`${base}${E}/onhand/indexquery`, {
      method: 'OPTIONS',
      headers: {
        origin: SHOP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, onhand-min-position',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-allow-headers')).toContain('onhand-min-position');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets a listed origin read Onhand-Position, and tells an unlisted origin nothing', async () => {
    const url = `${base}${E}/onhand?organizationId=usmf&productId=T-shirt`;
    const listed = await fetch(url, {
      headers: { origin: 'https://other.example.com', authorization: `Bearer ${browserToken}` },
    });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://other.example.com');
    expect(listed.headers.get('access-control-expose-headers')).toContain('onhand-position');
    const ticket = (await h.request('POST', `${E}/feed/tickets`, {}, { token: browserToken })).json().ticket;
    const stream = await follow(`${base}${E}/feed/stream?after=0&ticket=${ticket}`, { origin: SHOP });
    expect(stream.status).toBe(200);
    stream.close();
    const streamed = await fetch(`${base}${E}/feed/stream?after=0`, {
      headers: { origin: SHOP, authorization: `Bearer ${browserToken}` },
    });
    expect(streamed.headers.get('access-control-allow-origin')).toBe(SHOP);
    await streamed.body?.cancel();
    const unlisted = await fetch(url, {
      headers: { origin: 'https://evil.example.com', authorization: `Bearer ${browserToken}` },
    });
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
