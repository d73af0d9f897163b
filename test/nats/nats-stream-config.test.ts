import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, NATS_URL, natsForTests, serveRelaying, uniqueStream } from '../support/nats.js';

/**
 * The stream a server's NATS relay creates (docs/feed.md, "NATS JetStream"): its messages are kept as
 * long as the feed's entries (max_age = ONHAND_FEED_RETENTION_DAYS) and its duplicate window is
 * ONHAND_NATS_DUPLICATE_WINDOW_SECONDS; a restart with other values updates the stream. Read back from
 * the NATS server with the JetStream manager.
 */
const nats = await natsForTests();
const DAY_NS = 24 * 3600 * 1e9;

describe.skipIf(!nats)('the NATS stream of a server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const serve = serveRelaying;

  const info = async (stream: string): Promise<StreamInfo | undefined> => {
    const nc = await connect({ servers: NATS_URL });
    try {
      return await (await jetstreamManager(nc)).streams.info(stream).catch(() => undefined);
    } finally {
      await nc.close();
    }
  };

  it('keeps messages as long as the feed keeps entries, with the configured duplicate window', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'onhand-nats-stream-'));
    const { stream, prefix, drop } = uniqueStream();
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }), drop);

    const first = await serve(dataDir, stream, prefix, {});
    let made: StreamInfo | undefined;
    await eventually(
      async () => {
        made = await info(stream);
        return made !== undefined;
      },
      10_000,
      'the stream',
    );
    await first.close();
    // The defaults: 7 days (ONHAND_FEED_RETENTION_DAYS), two minutes (ONHAND_NATS_DUPLICATE_WINDOW_SECONDS).
    expect(made?.config.max_age).toBe(7 * DAY_NS);
    expect(made?.config.duplicate_window).toBe(120 * 1e9);
    expect(made?.config.subjects).toEqual([`${prefix}.>`]);

    const second = await serve(dataDir, stream, prefix, {
      ONHAND_FEED_RETENTION_DAYS: '3',
      ONHAND_NATS_DUPLICATE_WINDOW_SECONDS: '600',
    });
    cleanups.push(() => second.close());
    await eventually(
      async () => {
        const updated = await info(stream);
        return updated?.config.max_age === 3 * DAY_NS && updated.config.duplicate_window === 600 * 1e9;
      },
      10_000,
      'the stream updated to 3 days and 10 minutes',
    );
  });
});
