import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { follow, type SseEvent } from '../support/sse-client.js';

let h: Harness;
let base: string;
const E = '/api/environment/test';

beforeAll(async () => {
  h = await startHarness({ environments: ['test', 'other'] });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

const auth = () => ({ authorization: `Bearer ${h.adminToken}` });
const change = (id: string, inbound: number, productId = 'T-shirt') =>
  tshirtEvent(id, {
    productId,
    dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
    quantities: { pos: { inbound } },
  });
const post = async (body: unknown, path = `${E}/onhand`) => {
  const response = await h.request('POST', path, body);
  expect(response.statusCode, response.body).toBe(200);
};
const ids = (events: readonly SseEvent[]) =>
  events.map((e) => (JSON.parse(e.data) as { eventId: string }).eventId);

describe('following the change feed with server-sent events', () => {
  it('delivers new entries in commit order, each with its position as the event id', async () => {
    const stream = await follow(`${base}${E}/feed/stream`, auth());
    expect(stream.status).toBe(200);
    await post(change('s-1', 1));
    await post([change('s-2', 1), change('s-3', 2)], `${E}/onhand/bulk`);
    const events = await stream.entries(3);
    expect(ids(events)).toEqual(['s-1', 's-2', 's-3']);
    const positions = events.map((e) => Number(e.id));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(JSON.parse(events[2]?.data ?? '{}').availability[0].quantities.iv.availabletoreserve).toBe(4);
    stream.close();
  });

  it('resumes after Last-Event-ID without missing or repeating an entry', async () => {
    const first = await follow(`${base}${E}/feed/stream?after=0`, auth());
    const seen = await first.entries(3);
    first.close();
    await post(change('s-4', 1));
    const again = await follow(`${base}${E}/feed/stream`, { ...auth(), 'last-event-id': seen[2]?.id ?? '' });
    expect(ids(await again.entries(1))).toEqual(['s-4']);
    again.close();
  });

  it('applies the filters of the pull API (product, location)', async () => {
    const stream = await follow(`${base}${E}/feed/stream?productId=Mug`, auth());
    await post(change('s-shirt', 1));
    await post(change('s-mug', 1, 'Mug'));
    expect(ids(await stream.entries(1))).toEqual(['s-mug']);
    stream.close();
    const from = await h.services.engine.feed.head();
    const located = await follow(`${base}${E}/feed/stream?locationId=12&after=${from}`, auth());
    await post(change('s-at-11', 1));
    await post(tshirtEvent('s-at-12', { dimensions: { siteId: '1', locationId: '12', colorId: 'red' } }));
    expect(ids(await located.entries(1))).toEqual(['s-at-12']);
    located.close();
  });

  it('with progress=true, says how far the feed went past entries the filter left out', async () => {
    const plain = await follow(`${base}${E}/feed/stream?productId=Cup`, auth());
    const stream = await follow(`${base}${E}/feed/stream?productId=Cup&progress=true`, auth());
    await post(change('p-cup', 1, 'Cup'));
    await post([change('p-shirt-1', 1), change('p-shirt-2', 1)], `${E}/onhand/bulk`);
    // Once the stream has passed the shirts (a later write could otherwise share their page, which then
    // ends with an entry of its own and needs no progress event).
    await stream.eventsOf('progress', 1);
    await post(change('p-cup-2', 1, 'Cup'));
    await stream.entries(2);
    await plain.entries(2);
    // The entries of other products in between: one progress event, at the last of them, before p-cup-2.
    expect(stream.events.map((e) => e.event)).toEqual(['entry', 'progress', 'entry']);
    const [cup, progress, cup2] = stream.events;
    expect(Number(progress!.id)).toBeGreaterThan(Number(cup!.id));
    expect(Number(progress!.id)).toBe(Number(cup2!.id) - 1);
    expect(JSON.parse(progress!.data)).toEqual({ position: progress!.id });
    // Without it, the stream is as before: entries only.
    expect(plain.events.map((e) => e.event)).toEqual(['entry', 'entry']);
    stream.close();
    plain.close();
    const bad = await follow(`${base}${E}/feed/stream?progress=yes`, auth());
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).code).toBe('invalid_request');
  });

  it('lets a browser follow with a single-use ticket instead of a token in the URL', async () => {
    const issued = await h.request('POST', `${E}/feed/tickets`);
    expect(issued.statusCode).toBe(200);
    const { ticket, expiresIn } = issued.json() as { ticket: string; expiresIn: number };
    expect(expiresIn).toBe(60);
    const stream = await follow(`${base}${E}/feed/stream?ticket=${ticket}`);
    expect(stream.status).toBe(200);
    await post(change('s-ticket', 1));
    expect(ids(await stream.entries(1))).toEqual(['s-ticket']);
    stream.close();
    const reused = await follow(`${base}${E}/feed/stream?ticket=${ticket}`);
    expect(reused.status).toBe(401);
    expect(JSON.parse(reused.body).code).toBe('feed_ticket_invalid');
    const other = (await h.request('POST', '/api/environment/other/feed/tickets')).json() as {
      ticket: string;
    };
    const elsewhere = await follow(`${base}${E}/feed/stream?ticket=${other.ticket}`);
    expect(elsewhere.status).toBe(401);
  });

  it('refuses a stream without a token, or a malformed position, before it starts', async () => {
    expect((await follow(`${base}${E}/feed/stream`)).status).toBe(401);
    const bad = await follow(`${base}${E}/feed/stream?after=x`, auth());
    expect(bad.status).toBe(400);
  });
});

describe('the retention window', () => {
  let clock = new Date('2026-01-01T00:00:00Z');
  let x: Harness;
  beforeAll(async () => {
    x = await startHarness({ clock: () => clock, env: { ONHAND_FEED_RETENTION_DAYS: '1' } });
  });
  afterAll(() => x.close());

  it('answers 410 cursor_expired for a position older than the window; a follower starts again from a snapshot', async () => {
    expect((await x.request('POST', `${E}/onhand`, change('r-1', 1))).statusCode).toBe(200);
    expect((await x.request('GET', `${E}/feed?after=0`)).statusCode).toBe(200);
    clock = new Date('2026-01-03T00:00:00Z');
    const token = await x.tokenWithRole(['test'], 'read');
    const expired = await x.request('GET', `${E}/feed?after=0`, undefined, { token });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe('cursor_expired');
    const snapshot = await x.request('GET', `${E}/snapshot`, undefined, { token });
    const position = String(snapshot.headers['onhand-position']);
    expect((await x.request('GET', `${E}/feed?after=${position}`, undefined, { token })).statusCode).toBe(
      200,
    );
  });
});
