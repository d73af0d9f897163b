import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Checkout, OnhandApiError, type OnhandClient } from '../../packages/client/src/index.js';
import { BROWSER, type Cluster, change, startCluster } from './sdk-support.js';

/*
 * The typed client against a real server process: tokens by client credentials renewed before they
 * expire, retries that reuse the event id (a lost answer never counts twice), Onhand-Min-Position after
 * the client's own writes, checkout calls, and a browser key that cannot write.
 */

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster('sqlite', 1, { ONHAND_TOKEN_TTL_SECONDS: '600' });
}, 60_000);
afterAll(() => cluster?.close());

/** A fetch that records what it sends and can lose the answer of chosen requests after the server took them. */
function recordingFetch() {
  const sent: { method: string; url: string; headers: Record<string, string>; body: string | undefined }[] =
    [];
  let loseNext = 0;
  const impl: typeof fetch = async (input, init) => {
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    sent.push({
      method: init?.method ?? 'GET',
      url: String(input),
      headers,
      body: init?.body as string | undefined,
    });
    const response = await fetch(input, init);
    if (loseNext > 0 && !String(input).endsWith('/oauth2/token')) {
      loseNext--;
      await response.body?.cancel();
      throw new TypeError('fetch failed (the answer was lost)');
    }
    return response;
  };
  return { sent, impl, loseAnswers: (n: number) => (loseNext = n) };
}

const inboundOf = async (client: OnhandClient, productId: string) => {
  const { data, position } = await client.request(
    'post',
    '/api/environment/{environmentId}/onhand/indexquery',
    {
      body: { filters: { organizationId: ['usmf'], productId: [productId] }, groupByValues: [] },
    },
  );
  expect(position).toMatch(/^\d+$/);
  return (data as { quantities: { pos?: { inbound?: number } } }[])[0]?.quantities.pos?.inbound ?? 0;
};

describe('the typed client', () => {
  it('gets a token with client credentials and renews it before it expires', async () => {
    const net = recordingFetch();
    let now = Date.now();
    const client = cluster.client(0, { fetch: net.impl, now: () => now });
    await inboundOf(client, 'Scarf');
    await inboundOf(client, 'Scarf');
    const tokenCalls = () => net.sent.filter((r) => r.url.endsWith('/oauth2/token')).length;
    expect(tokenCalls()).toBe(1);
    now += 530_000; // 600 s tokens are renewed 60 s before they expire (at 540 s)
    await inboundOf(client, 'Scarf');
    expect(tokenCalls()).toBe(1);
    now += 15_000;
    await inboundOf(client, 'Scarf');
    expect(tokenCalls()).toBe(2);
  });

  it('retries a write whose answer was lost with the same event id, and it counts once', async () => {
    const net = recordingFetch();
    const client = cluster.client(0, { fetch: net.impl });
    await client.token();
    net.loseAnswers(2);
    const { data } = await client.request('post', '/api/environment/{environmentId}/onhand', {
      body: { ...change('lost-answer-1', '11', 'red', 4), productId: 'Scarf' },
    });
    expect(data).toMatchObject({ id: 'lost-answer-1', processingStatus: 'success' });
    const writes = net.sent.filter((r) => r.url.endsWith('/onhand') && r.method === 'POST');
    expect(writes).toHaveLength(3);
    expect(new Set(writes.map((w) => w.body)).size).toBe(1);
    expect(await inboundOf(client, 'Scarf')).toBe(4);
  });

  it('sends Onhand-Min-Position with the commit token of its last write', async () => {
    const net = recordingFetch();
    const client = cluster.client(0, { fetch: net.impl });
    const before = await inboundOf(client, 'Scarf');
    const first = net.sent.at(-1);
    expect(first?.headers['onhand-min-position']).toBeUndefined();
    const write = await client.request('post', '/api/environment/{environmentId}/onhand', {
      body: { ...change('ryw-1', '11', 'red', 1), productId: 'Scarf' },
    });
    expect(write.commitToken).toMatch(/^c/);
    expect(await inboundOf(client, 'Scarf')).toBe(before + 1);
    expect(net.sent.at(-1)?.headers['onhand-min-position']).toBe(write.commitToken);
    const strict = cluster.client(0, { fetch: net.impl, consistency: 'strict' });
    await strict.request('post', '/api/environment/{environmentId}/onhand', {
      body: { ...change('ryw-2', '11', 'red', 1), productId: 'Scarf' },
    });
    await inboundOf(strict, 'Scarf');
    expect(net.sent.at(-1)?.headers['onhand-min-position']).toBeUndefined();
  });

  it('a browser key reads availability and cannot write', async () => {
    const browser = cluster.client(0, { credentials: BROWSER });
    expect(await inboundOf(browser, 'Scarf')).toBe(6);
    const refused = await browser
      .request('post', '/api/environment/{environmentId}/onhand', {
        body: change('from-browser', '11', 'red', 1),
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OnhandApiError);
    expect(refused).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('checkout', () => {
  it('holds with a time to live, extends, releases part and commits the rest on shipment', async () => {
    const client = cluster.client(0);
    await client.request('post', '/api/environment/{environmentId}/onhand', {
      body: { ...change('kettles', '11', 'steel', 5), productId: 'Kettle' },
    });
    const checkout = new Checkout(client);
    const line = {
      organizationId: 'usmf',
      productId: 'Kettle',
      dimensions: { siteId: '1', locationId: '11', colorId: 'steel' },
    };
    const hold = await checkout.reserve({ ...line, id: 'cart-9', quantity: 3, ttlSeconds: 900 });
    expect(hold.reservationId).not.toBe('');
    expect(Date.parse(hold.expiresAt ?? '') - Date.now()).toBeGreaterThan(890_000);
    const extended = await checkout.extend(hold, 3600);
    expect(Date.parse(extended ?? '') - Date.now()).toBeGreaterThan(3_590_000);
    await checkout.release({ ...line, id: 'cart-9-drop-1', reservationId: hold.reservationId, quantity: 1 });
    await checkout.commit({ ...line, id: 'cart-9-ship', reservationId: hold.reservationId, quantity: 2 });
    const { data } = await client.request(
      'get',
      '/api/environment/{environmentId}/onhand/reservations/{reservationId}',
      { path: { reservationId: hold.reservationId } },
    );
    expect(data).toMatchObject({ remaining: 0 });
    const available = await client.request('post', '/api/environment/{environmentId}/onhand/indexquery', {
      body: { filters: { organizationId: ['usmf'], productId: ['Kettle'] }, groupByValues: [] },
    });
    const row = (available.data as unknown as { quantities: { iv: { availabletoreserve: number } } }[])[0];
    expect(row?.quantities.iv.availabletoreserve).toBe(3);
    const again = await checkout.reserve({ ...line, id: 'cart-10', quantity: 4 }).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 409, code: 'insufficient_availability' });
  });
});

describe('the generated types', () => {
  it('are what the server generates now (npm run generate:client)', async () => {
    const { CLIENT_TYPES_DIR, committedClientTypeFiles, generateClientTypes } = await import(
      '../support/client-types.js'
    );
    const generated = await generateClientTypes();
    // The same files (none missing, none left over from an older layout), each with the same text.
    expect(committedClientTypeFiles()).toEqual([...generated.keys()].sort());
    for (const [path, text] of generated) {
      expect(readFileSync(join(CLIENT_TYPES_DIR, path), 'utf8'), path).toBe(text);
    }
  });
});
