import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentSubjects } from '../../../src/domain/relay/nats-subject.js';
import { FeedRelay } from '../../../src/engine/relay/feed-relay.js';
import { toJson } from '../../../src/http/json.js';
import { connectNats } from '../../../src/nats/nats-transport.js';
import { type Harness, startHarness, tshirtEvent } from '../../support/harness.js';
import { eventually, lastPosition, natsForTests, readStream } from '../../support/nats.js';
import { freePort } from '../../support/server-process.js';

/**
 * NATS down: writes go on (the relay is not on the write path), shutdown does not wait for NATS, and
 * when NATS comes up (first start, or back after a crash) the relay catches up with every entry, once,
 * in order. A NATS server of its own
 * (the Debian package's binary, as CI has it) on a free port, started midway.
 */

const NATS_SERVER = '/usr/sbin/nats-server';
const nats = await natsForTests();

describe.skipIf(!nats)('the NATS relay while NATS is down', () => {
  let h: Harness | undefined;
  let server: ChildProcess | undefined;
  let dir = '';
  const relays: FeedRelay[] = [];
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await h?.close();
    server?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const relay = (harness: Harness, url: string) => {
    const r = new FeedRelay({
      store: harness.services.store,
      feed: harness.services.engine.feed,
      clock: () => new Date(),
      onError: () => {},
      connect: () => connectNats(url),
      stream: 'ONHAND_OUTAGE',
      subjectPrefix: 'onhand',
      maxAgeMs: 24 * 3600 * 1000,
      duplicateWindowMs: 120_000,
      toJson,
      leaseMs: 1500,
    });
    relays.push(r);
    return r;
  };

  const write = async (harness: Harness, ids: string[]) => {
    for (const id of ids)
      expect(
        (await harness.request('POST', '/api/environment/test/onhand', tshirtEvent(id))).statusCode,
      ).toBe(200);
  };

  it('writes go on, a stop does not wait, and the relay catches up when NATS comes up or back', async () => {
    expect(existsSync(NATS_SERVER), `${NATS_SERVER} (Debian package nats-server)`).toBe(true);
    h = await startHarness();
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;

    const early = relay(h, url);
    early.start();
    await write(h, ['a', 'b', 'c']);
    const stopping = Date.now();
    await early.stop();
    expect(Date.now() - stopping).toBeLessThan(2000);

    relay(h, url).start();
    await write(h, ['d', 'e']);
    dir = mkdtempSync(join(tmpdir(), 'onhand-nats-'));
    server = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: 'ignore',
    });
    await write(h, ['f']);
    const subjects = environmentSubjects('onhand', 'test');
    const at = (position: number) => async () =>
      (await lastPosition('ONHAND_OUTAGE', subjects, url)) >= position;
    await eventually(at(6), 20_000, 'catch-up');
    await write(h, ['g']);
    await eventually(at(7), 10_000, 'the next entry');

    // NATS crashes while the relay is connected, and comes back on the same storage.
    const crashed = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGKILL');
    await crashed;
    await write(h, ['h', 'i']);
    server = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: 'ignore',
    });
    await write(h, ['j']);
    await eventually(at(10), 30_000, 'recovery');

    const messages = await readStream('ONHAND_OUTAGE', subjects, url);
    expect(messages.map((m) => m.entry.eventId)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    expect(messages.map((m) => m.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 60_000);
});
