import { type IncomingMessage, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_MS } from '../../src/http/feed/sse-sink.js';
import { MAX_BUFFERED } from '../../src/http/feed/stream-route.js';
import { httpSettings, loadSettings } from '../../src/settings.js';
import { type Harness, startHarness } from '../support/harness.js';
import { follow } from '../support/sse-client.js';

/**
 * The SSE stream over a real socket (docs/feed.md, "Following with server-sent events"): an idle stream
 * gets a `: heartbeat` comment every HEARTBEAT_MS (15 s; shortened here through the HTTP settings, which
 * no setting changes), and a follower that does not read while entries pile up past MAX_BUFFERED (4 MB)
 * unsent gets `event: error` too_slow, is disconnected, and resumes by position with nothing lost.
 */
const E = '/api/environment/test';

/** A stream read as raw text; `paused` leaves the socket unread until resume(). */
function openRaw(url: string, token: string, paused = false) {
  let text = '';
  let res: IncomingMessage | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } }, (response) => {
      res = response;
      if (paused) response.pause();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve());
      response.on('close', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
  return {
    text: () => text,
    ended,
    resume: () => res?.resume(),
    close: () => res?.destroy(),
    status: () => res?.statusCode,
  };
}

const until = async (check: () => boolean, timeoutMs: number, what: string) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('the SSE heartbeat', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ http: { feedHeartbeatMs: 200 } });
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => h?.close());

  it('is 15 seconds unless a test shortens it; no setting sets it', () => {
    expect(HEARTBEAT_MS).toBe(15_000);
    const settings = httpSettings(loadSettings({}, { ONHAND_FEED_HEARTBEAT_MS: '200' }));
    expect(settings.feedHeartbeatMs).toBeUndefined();
  });

  it('sends a heartbeat comment on an idle stream over a real socket', async () => {
    const stream = openRaw(`${base}${E}/feed/stream`, h.adminToken);
    await until(() => stream.status() !== undefined, 5000, 'the response');
    expect(stream.status()).toBe(200);
    await until(() => stream.text().split(': heartbeat\n\n').length > 2, 5000, 'two heartbeats');
    expect(stream.text().startsWith('retry: 1000\n\n')).toBe(true);
    stream.close();
  });
});

describe('a slow follower', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness();
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => h?.close());

  /** 512 entries of about 1 KB each (long event ids and values), the ids numbered from `n`. */
  const bulk = (n: number) =>
    Array.from({ length: 512 }, (_, i) => ({
      id: `slow-${String(n * 512 + i).padStart(6, '0')}-${'x'.repeat(180)}`,
      organizationId: 'usmf',
      productId: `SLOW-${i % 7}`,
      dimensionDataSource: 'pos',
      dimensions: { siteId: '1', locationId: '11', colorId: `colour-${'y'.repeat(60)}-${i % 5}` },
      quantities: { pos: { inbound: 1 } },
    }));

  it('is disconnected with event: error too_slow past 4 MB unsent, and resumes by position', async () => {
    expect(MAX_BUFFERED).toBe(4 * 1024 * 1024);
    const hub = h.services.engine.feed.hub;
    const stream = openRaw(`${base}${E}/feed/stream`, h.adminToken, true);
    await until(() => hub.liveFollowers('test') === 1, 5000, 'the follower to be live');
    // Write until the hub gives the follower up (its socket and the kernel's buffers full, then 4 MB).
    let bulks = 0;
    while (hub.liveFollowers('test') > 0) {
      if (bulks >= 120) throw new Error('the follower was never disconnected');
      const res = await h.request('POST', `${E}/onhand/bulk`, bulk(bulks++));
      expect(res.statusCode, res.body).toBe(200);
    }
    // Entries written after the disconnection reach the follower only when it resumes.
    const late = await h.request('POST', `${E}/onhand/bulk`, bulk(bulks++));
    expect(late.statusCode, late.body).toBe(200);
    const written = bulks * 512;
    stream.resume();
    await stream.ended;
    const blocks = stream
      .text()
      .split('\n\n')
      .filter((b) => b !== '');
    const last = blocks[blocks.length - 1] ?? '';
    expect(last.startsWith('event: error\ndata: ')).toBe(true);
    expect(JSON.parse(last.slice('event: error\ndata: '.length)).code).toBe('too_slow');
    const entries = blocks.filter((b) => b.includes('\nevent: entry\n'));
    const idOf = (b: string) => /^id: (\d+)$/m.exec(b)?.[1] ?? '';
    const eventIdOf = (data: string) => (JSON.parse(data) as { eventId: string }).eventId;
    const seen = entries.map((b) => eventIdOf(b.slice(b.indexOf('data: ') + 6)));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThanOrEqual(written - 512);
    // Over 4 MB was pending at the server when it gave up: more than that arrived after the pause.
    expect(stream.text().length).toBeGreaterThan(MAX_BUFFERED);

    const resumed = await follow(`${base}${E}/feed/stream`, {
      authorization: `Bearer ${h.adminToken}`,
      'last-event-id': idOf(entries[entries.length - 1] ?? ''),
    });
    expect(resumed.status).toBe(200);
    const rest = await resumed.entries(written - seen.length, 60_000);
    resumed.close();
    const all = [...seen, ...rest.map((e) => eventIdOf(e.data))];
    expect(all.length).toBe(written);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(written);
  }, 120_000);
});
