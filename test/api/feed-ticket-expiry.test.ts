import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { follow } from '../support/sse-client.js';

/**
 * A feed ticket works within 60 seconds of its issue (docs/feed.md, "Following from a browser"), by the
 * service's clock: one redeemed 59 s after its issue opens the stream, one redeemed 61 s after is
 * refused with 401 feed_ticket_invalid.
 */
const E = '/api/environment/test';
let clock = new Date('2026-04-01T00:00:00Z');
let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness({ clock: () => clock });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h?.close());

const issue = async (): Promise<string> => {
  const issued = await h.request('POST', `${E}/feed/tickets`);
  expect(issued.statusCode, issued.body).toBe(200);
  return (issued.json() as { ticket: string }).ticket;
};

describe('the feed ticket expiry', () => {
  it('opens the stream 59 s after the issue, and refuses a ticket 61 s after it', async () => {
    const start = clock.getTime();
    const early = await issue();
    const late = await issue();
    clock = new Date(start + 59_000);
    const stream = await follow(`${base}${E}/feed/stream?ticket=${early}`);
    expect(stream.status, stream.body).toBe(200);
    stream.close();
    clock = new Date(start + 61_000);
    const refused = await follow(`${base}${E}/feed/stream?ticket=${late}`);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).code).toBe('feed_ticket_invalid');
    // A ticket issued now works now: the refusal is the expiry, not the clock's jump.
    const fresh = await follow(`${base}${E}/feed/stream?ticket=${await issue()}`);
    expect(fresh.status, fresh.body).toBe(200);
    fresh.close();
  });
});
