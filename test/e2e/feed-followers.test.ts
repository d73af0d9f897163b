import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Backend, createTestDatabase, testBackends } from '../support/backends.js';
import { Cluster, ENV, type Entry, ledger, SECRET, storedStock, write } from '../support/feed-cluster.js';
import { expectExactlyOnceInOrder, puller, rebuilt, streamer } from '../support/feed-followers.js';

/**
 * The change feed's promise, end to end: followers see every committed entry exactly once, in position
 * order, whichever server took the write, while servers restart and crash. Real `onhand serve`
 * processes (two on one PostgreSQL database; one on SQLite), real HTTP, racing writers of several
 * kinds, a follower pulling by position and one following server-sent events.
 */

describe.each(testBackends())('feed followers on %s', (backend: Backend) => {
  let dataDir = '';
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let cluster: Cluster | undefined;

  const open = async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-feed-e2e-'));
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    cluster = new Cluster({
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: ENV,
      ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
    });
    await cluster.start(backend === 'postgres' ? 2 : 1);
    return cluster;
  };

  afterEach(async () => {
    await cluster?.stopAll();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('pull and SSE followers see every acknowledged entry exactly once, in order, while servers restart and crash', async () => {
    const c = await open();
    const pulled: Entry[] = [];
    const streamed: Entry[] = [];
    const followers = [puller(c, pulled), streamer(c, streamed)];
    let step = 0;
    const faults = async () => {
      step++;
      // A graceful restart a third of the way, a SIGKILL two thirds of the way (then a fresh start).
      if (step === 30 || step === 60) {
        await c.replace(step === 60 ? 0 : c.servers.length - 1, step === 30 ? 'stop' : 'kill');
      }
    };
    const acked = await write(c, 6, 15, faults);
    const all = await ledger(c);
    const last = all.at(-1)?.position ?? 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if ([pulled, streamed].every((s) => Number(s.at(-1)?.position ?? 0) >= last)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(followers.map((f) => f.stop()));
    expect(acked.size).toBeGreaterThan(100);
    for (const seen of [pulled, streamed]) {
      expectExactlyOnceInOrder(seen, all);
      const ids = new Set(seen.map((e) => e.eventId));
      expect([...acked].filter((id) => !ids.has(id))).toEqual([]);
      expect(rebuilt(seen)).toEqual(await storedStock(c));
    }
  }, 180_000);
});
