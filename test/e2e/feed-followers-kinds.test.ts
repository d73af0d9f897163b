import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Backend, createTestDatabase, testBackends } from '../support/backends.js';
import { Cluster, ENV, type Entry, ledger, SECRET } from '../support/feed-cluster.js';
import { expectExactlyOnceInOrder, puller, streamer, type Took } from '../support/feed-followers.js';
import { cleanUp, hardUpdate, rebuiltAll, send, storedState, writeEveryKind } from '../support/feed-kinds.js';

/**
 * The change feed's promise for every kind of entry the IV API makes: real `onhand serve` processes
 * (two on one PostgreSQL database; one on SQLite) take racing writes of every kind below while a
 * follower pulls by position and another follows server-sent events, through a graceful restart and a
 * SIGKILL. Each follower sees every entry exactly once, in order; the stored stock and scheduled values
 * rebuilt from the changes it saw equal the stored ones; and a follower that takes a new snapshot
 * after each `configuration.updated` (as docs/feed.md asks) and applies the entries after the
 * snapshot's position (not after the update's) ends equal too.
 *
 * Left out, with why: `schedule.commit` and `schedule.lapse` are made by the midnight roll-over of
 * change schedules, on the clock, not by a request (test/e2e/schedule-rollover.test.ts runs servers
 * on a fake clock through midnight); the `oci.*` kinds are made by the OCI API on an OCI location
 * graph, another API with its own followers (OCI get-deltas: test/oci/export-deltas.test.ts,
 * test/oci/graph-feed.test.ts; under faults, test/e2e/soak.test.ts).
 */

const KINDS = [
  'onhand.change',
  'onhand.set',
  'reservation.reserve',
  'reservation.release',
  'reservation.unreserve',
  'reservation.offset',
  'reservation.extend',
  'reservation.expire',
  'allocation.allocate',
  'allocation.unallocate',
  'allocation.reallocate',
  'allocation.consume',
  'schedule.change',
  'partition.cleanup',
  'configuration.updated',
];

type Snapshot = Awaited<ReturnType<typeof storedState>>;

/** Takes a new snapshot after each configuration update the follower took. */
function resnapshotting(c: Cluster, at: { snapshot?: Snapshot; after: number[] }, i: number): Took {
  return async (entries: readonly Entry[]) => {
    const updates = entries.filter((e) => e.kind === 'configuration.updated');
    if (updates.length === 0) return;
    at.after.push(...updates.map((e) => Number(e.position)));
    at.snapshot = await storedState(c, i);
  };
}

describe.each(testBackends())('feed followers of every kind on %s', (backend: Backend) => {
  let dataDir = '';
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let cluster: Cluster | undefined;

  afterEach(async () => {
    await cluster?.stopAll();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('pull and SSE followers see every entry of every kind once, in order, and rebuild the stored state', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-feed-kinds-e2e-'));
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    const c = new Cluster({
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: ENV,
      ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
    });
    cluster = c;
    await c.start(backend === 'postgres' ? 2 : 1);
    const pulled: Entry[] = [];
    const streamed: Entry[] = [];
    const snapshots = [{ after: [] as number[] }, { after: [] as number[] }] as {
      snapshot?: Snapshot;
      after: number[];
    }[];
    const followers = [
      puller(c, pulled, resnapshotting(c, snapshots[0] ?? { after: [] }, 0)),
      streamer(c, streamed, resnapshotting(c, snapshots[1] ?? { after: [] }, 1)),
    ];
    await hardUpdate(c, false); // schedules on: the first configuration.updated
    let step = 0;
    const faults = async () => {
      step++;
      // A graceful restart, a configuration update, a partition clean-up and a SIGKILL, mid-stream.
      if (step === 25) await c.replace(c.servers.length - 1, 'stop');
      if (step === 35) await hardUpdate(c, true);
      if (step === 45) {
        const ids = (await send(c, 0, 'GET', '/allpartitionids')) as unknown as string[];
        await cleanUp(c, ids.find((id) => id.includes('~2~')) ?? ids[0] ?? '');
      }
      if (step === 55) await c.replace(0, 'kill');
    };
    const acked = await writeEveryKind(c, 6, 12, faults);
    // Reservations of a second's expiry not yet ended: a reservation of their scope ends them now.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const productId of ['P0', 'P1', 'P2'])
      for (const siteId of ['1', '2'])
        await send(c, 0, 'POST', '/onhand/reserve', {
          id: `last-${productId}-${siteId}`,
          organizationId: 'usmf',
          productId,
          dimensions: { siteId, locationId: '11', colorId: 'red' },
          quantities: { iv: { softreserved: 1 } },
          ifCheckAvailForReserv: false,
        });
    const all = await ledger(c);
    const last = all.at(-1)?.position ?? 0;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if ([pulled, streamed].every((s) => Number(s.at(-1)?.position ?? 0) >= last)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(followers.map((f) => f.stop()));
    const stored = await storedState(c);
    expect(stored.position).toBe(last);
    expect(acked.size).toBeGreaterThan(50);
    for (const [f, seen] of [pulled, streamed].entries()) {
      expectExactlyOnceInOrder(seen, all);
      const ids = new Set(seen.map((e) => e.eventId));
      expect([...acked].filter((id) => !ids.has(id))).toEqual([]);
      expect(KINDS.filter((kind) => !seen.some((e) => e.kind === kind))).toEqual([]);
      for (const e of seen.filter((e) => e.kind === 'configuration.updated')) expect(e.changes).toEqual([]);
      // The clean-up carries the deletion of what it deleted (stock, scheduled values): -value each.
      expect(seen.some((e) => e.kind === 'partition.cleanup' && e.changes.length > 0)).toBe(true);
      expect(seen.some((e) => e.kind === 'schedule.change' && e.changes.every((c) => c.date))).toBe(true);
      // From the changes alone, from the beginning: every kind carries its changes to stored values.
      expect(rebuiltAll(seen)).toEqual(stored.state);
      // As a follower should: a new snapshot after the last configuration update, then what followed it.
      const resnapshot = snapshots[f];
      expect(resnapshot?.after).toHaveLength(2);
      const snapshot = resnapshot?.snapshot;
      expect(snapshot?.position).toBeGreaterThanOrEqual(resnapshot?.after.at(-1) ?? Infinity);
      expect(rebuiltAll(seen, snapshot)).toEqual(stored.state);
    }
  }, 180_000);
});
