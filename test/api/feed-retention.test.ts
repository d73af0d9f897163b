import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { follow } from '../support/sse-client.js';

/**
 * The feed's retention window (docs/feed.md, "Retention"; docs/errors.md, `cursor_expired`) on every
 * route that takes a position: a position older than the window answers 410 cursor_expired and changes
 * nothing (pull, SSE by `?after=` and by Last-Event-ID, webhook redelivery, `asOf` of the index query
 * and of a reservation read by id; a moment in the future is 400 invalid_request). A pull without
 * `after` starts at the beginning of the window, and a stream without a position at the head: neither
 * ever answers 410. The clock is the service's (injected), the window one day.
 */
const E = '/api/environment/test';
const red = { siteId: '1', locationId: '11', colorId: 'red' };
let clock = new Date('2026-03-01T00:00:00Z');
let h: Harness;
let base: string;
/** Tokens issued once the clock has moved past the window (the harness's admin token has expired then). */
let admin: string;
let reader: string;

/** What happened before the window: positions (from the pull API) and the reservation made. */
const old = { first: '', last: '', time: '', reservationId: '', webhookId: '' };

beforeAll(async () => {
  h = await startHarness({
    clock: () => clock,
    env: { ONHAND_FEED_RETENTION_DAYS: '1', ONHAND_WEBHOOKS_ALLOW_PRIVATE: 'true' },
  });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h?.close());

const receive = async (id: string, inbound: number, token?: string) => {
  const event = tshirtEvent(id, { dimensions: red, quantities: { pos: { inbound } } });
  const res = await h.request('POST', `${E}/onhand`, event, token === undefined ? {} : { token });
  expect(res.statusCode, res.body).toBe(200);
};
const pull = (query: string, token = reader) => h.request('GET', `${E}/feed${query}`, undefined, { token });
const eventIds = (res: Awaited<ReturnType<typeof pull>>) => {
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { entries: { eventId: string }[] }).entries.map((e) => e.eventId);
};
const expectExpired = (res: { statusCode: number; body: string }) => {
  expect(res.statusCode, res.body).toBe(410);
  expect((JSON.parse(res.body) as { code: string }).code).toBe('cursor_expired');
};
const indexQuery = (asOf?: string) =>
  h.request(
    'POST',
    `${E}/onhand/indexquery`,
    {
      filters: { organizationId: ['usmf'], productId: ['T-shirt'], siteId: ['1'], locationId: ['11'] },
      groupByValues: ['colorId'],
      returnNegative: true,
      ...(asOf === undefined ? {} : { asOf }),
    },
    { token: reader },
  );
const reservation = (asOf?: string) =>
  h.request(
    'GET',
    `${E}/onhand/reservations/${old.reservationId}${asOf === undefined ? '' : `?asOf=${encodeURIComponent(asOf)}`}`,
    undefined,
    { token: reader },
  );

describe('positions older than the retention window', () => {
  it('(before the window moves) records entries, a reservation and a disabled webhook subscription', async () => {
    await receive('old-1', 5);
    clock = new Date('2026-03-01T00:10:00Z');
    const reserved = await h.request('POST', `${E}/onhand/reserve`, {
      id: 'old-r',
      organizationId: 'usmf',
      productId: 'T-shirt',
      dimensions: red,
      quantities: { iv: { softreserved: 2 } },
      ifCheckAvailForReserv: true,
    });
    expect(reserved.statusCode, reserved.body).toBe(200);
    old.reservationId = (reserved.json() as { reservationId: string }).reservationId;
    const page = await h.request('GET', `${E}/feed?after=0`);
    expect(eventIds(page)).toEqual(['old-1', 'old-r']);
    const entries = (page.json() as { entries: { position: string }[] }).entries;
    old.first = entries[0]?.position ?? '';
    old.last = entries[1]?.position ?? '';
    // Between the two: the moment of old-1 (older than the window once the reservation has left it).
    old.time = '2026-03-01T00:05:00.000Z';
    const hook = await h.request('POST', `${E}/webhooks`, {
      url: 'http://127.0.0.1:9/never',
      enabled: false,
    });
    expect(hook.statusCode, hook.body).toBe(201);
    old.webhookId = (hook.json() as { id: string }).id;

    clock = new Date('2026-03-03T00:00:00Z');
    admin = await h.tokenFor(['test'], true);
    reader = await h.tokenWithRole(['test'], 'read');
    await receive('new-1', 1, admin);
    await receive('new-2', 1, admin);
  });

  it('pull: an explicit position older than the window answers 410, `0` included', async () => {
    expectExpired(await pull('?after=0'));
    expectExpired(await pull(`?after=${old.first}`));
  });

  it('pull: without `after` it starts at the beginning of the window, never 410, and pages on from there', async () => {
    const all = await pull('');
    expect(eventIds(all)).toEqual(['new-1', 'new-2']);
    const first = await pull('?limit=1');
    expect(eventIds(first)).toEqual(['new-1']);
    const { next } = first.json() as { next: string };
    expect(first.headers['onhand-position']).toBe(next);
    expect(eventIds(await pull(`?after=${next}`))).toEqual(['new-2']);
    // A filter that passes nothing: an empty page, still 200, and its next is within the window.
    const none = await pull('?productId=Nothing');
    expect(eventIds(none)).toEqual([]);
    expect((none.json() as { next: string }).next).toBe((all.json() as { next: string }).next);
    // The window begins after the last entry that has left it: the same entries as without `after`.
    expect(eventIds(await pull(`?after=${old.last}`))).toEqual(['new-1', 'new-2']);
  });

  it('SSE: 410 before the stream starts, for ?after= and for Last-Event-ID', async () => {
    const auth = { authorization: `Bearer ${reader}` };
    for (const stream of [
      await follow(`${base}${E}/feed/stream?after=0`, auth),
      await follow(`${base}${E}/feed/stream?after=${old.first}`, auth),
      await follow(`${base}${E}/feed/stream`, { ...auth, 'last-event-id': old.first }),
      // Last-Event-ID comes before ?after=, even when ?after= is within the window.
      await follow(`${base}${E}/feed/stream?after=${await headPosition()}`, {
        ...auth,
        'last-event-id': '0',
      }),
    ]) {
      expect(stream.status, stream.body).toBe(410);
      expect(stream.events).toEqual([]);
      expectExpired({ statusCode: stream.status, body: stream.body });
    }
  });

  it('SSE: without a position the stream starts at the head, never 410', async () => {
    const stream = await follow(`${base}${E}/feed/stream`, { authorization: `Bearer ${reader}` });
    try {
      expect(stream.status).toBe(200);
      await receive('new-3', 1, admin);
      const [entry] = await stream.entries(1);
      expect((JSON.parse(entry?.data ?? '{}') as { eventId: string }).eventId).toBe('new-3');
    } finally {
      stream.close();
    }
  });

  it('webhook redelivery from an expired position: 410, and the subscription is left as it was', async () => {
    const path = `${E}/webhooks/${old.webhookId}`;
    const before = await h.request('GET', path, undefined, { token: admin });
    expect(before.statusCode, before.body).toBe(200);
    const log = async () =>
      (await h.request('GET', `${path}/deliveries`, undefined, { token: admin })).json() as unknown;
    const logBefore = await log();
    for (const after of ['0', old.first]) {
      expectExpired(await h.request('POST', `${path}/redeliver`, { after }, { token: admin }));
    }
    expect((await h.request('GET', path, undefined, { token: admin })).json()).toEqual(before.json());
    expect(await log()).toEqual(logBefore);
  });

  it('asOf on the index query: 410 older than the window, 400 in the future; the stock is unchanged', async () => {
    const inbound = (res: Awaited<ReturnType<typeof indexQuery>>) => {
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { quantities: { pos?: { inbound?: number } } }[])[0]?.quantities.pos?.inbound;
    };
    const now = inbound(await indexQuery());
    expect(now).toBe(8);
    for (const asOf of ['0', old.first, old.time]) expectExpired(await indexQuery(asOf));
    const head = Number(await headPosition());
    for (const asOf of [new Date(clock.getTime() + 60_000).toISOString(), String(head + 1000)]) {
      const res = await indexQuery(asOf);
      expect(res.statusCode, `${asOf}: ${res.body}`).toBe(400);
      expect(res.json().code).toBe('invalid_request');
    }
    expect(inbound(await indexQuery(clock.toISOString()))).toBe(now);
    expect(inbound(await indexQuery())).toBe(now);
  });

  it('asOf on a reservation read by id: 410 older than the window, 400 in the future; it is unchanged', async () => {
    const now = await reservation();
    expect(now.statusCode, now.body).toBe(200);
    for (const asOf of ['0', old.first, old.time]) expectExpired(await reservation(asOf));
    const future = await reservation(new Date(clock.getTime() + 60_000).toISOString());
    expect(future.statusCode, future.body).toBe(400);
    expect(future.json().code).toBe('invalid_request');
    expect((await reservation()).json()).toEqual(now.json());
    expect(now.json()).toMatchObject({ status: 'open', remaining: 2 });
  });
});

/** The position of the latest entry of the environment (what a follower would have seen last). */
async function headPosition(): Promise<string> {
  const res = await pull('?limit=1000');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { next: string }).next;
}
