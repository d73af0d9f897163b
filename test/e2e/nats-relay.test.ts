import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entrySubject, environmentSubjects } from '../../src/domain/relay/nats-subject.js';
import { type Backend, createTestDatabase, testBackends } from '../support/backends.js';
import {
  eventually,
  lastPosition,
  NATS_URL,
  natsForTests,
  readStream,
  uniqueStream,
} from '../support/nats.js';
import { ServerCluster } from '../support/server-cluster.js';

/**
 * The NATS relay end to end: real `onhand serve` processes with --nats-url (ONHAND_NATS_URL) and the real
 * NATS server. A JetStream consumer of the stream sees every entry of the feed once, in position order,
 * while writers race and servers restart (SIGTERM) and crash (SIGKILL); on PostgreSQL two servers share
 * the database, one relays at a time, and the other takes over when the holder is killed.
 */

const ENV = 'shop.eu';
const SECRET = 'ops-secret-for-the-nats-relay-test';
const PRODUCTS = ['T-shirt', 'jeans.blue', 'two words', 'café*>'];
const nats = await natsForTests();

/**
 * Writers posting on-hand changes through every server, retrying with the same ids while one is down;
 * returns the ids acknowledged.
 */
async function write(
  cluster: ServerCluster,
  workers: number,
  rounds: number,
  pause: () => Promise<void>,
): Promise<Set<string>> {
  const acked = new Set<string>();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let r = 0; r < rounds; r++) {
        const body = {
          id: `n-${w}-${r}`,
          organizationId: 'usmf',
          productId: PRODUCTS[(w + r) % PRODUCTS.length],
          dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
          quantities: { pos: { inbound: 1 } },
        };
        for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
          const response = await cluster.call(w + r, 'POST', '/onhand', body);
          if (response?.ok) {
            acked.add(body.id);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await pause();
      }
    }),
  );
  return acked;
}

/** Every ledger entry's position. */
async function ledgerPositions(cluster: ServerCluster): Promise<number[]> {
  const all: number[] = [];
  for (let after = 0; ; ) {
    const page = (await (await cluster.call(0, 'GET', `/ledger?after=${after}&limit=1000`))?.json()) as {
      position: number;
    }[];
    all.push(...page.map((e) => e.position));
    const last = page.at(-1);
    if (!last || page.length < 1000) return all;
    after = last.position;
  }
}

describe.skipIf(!nats).each(testBackends())('the NATS relay of real servers on %s', (backend: Backend) => {
  let dataDir = '';
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let cluster: ServerCluster | undefined;
  let drop: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await cluster?.stopAll();
    await database?.drop();
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a JetStream consumer sees every entry once, in order, while servers restart and crash', async () => {
    const names = uniqueStream();
    drop = names.drop;
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-nats-e2e-'));
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    const c = new ServerCluster(
      {
        ONHAND_DATA_DIR: dataDir,
        ONHAND_ADMIN_CLIENT_ID: 'ops',
        ONHAND_ADMIN_CLIENT_SECRET: SECRET,
        ONHAND_ENVIRONMENTS: ENV,
        ONHAND_NATS_URL: NATS_URL,
        ONHAND_NATS_STREAM: names.stream,
        ONHAND_NATS_SUBJECT_PREFIX: names.prefix,
        ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
      },
      ENV,
      SECRET,
    );
    cluster = c;
    const servers = backend === 'postgres' ? 2 : 1;
    await c.start(servers);

    let step = 0;
    const faults = async () => {
      step++;
      // SQLite: a graceful restart, then a crash. PostgreSQL: each of the first two servers is killed,
      // so whichever of them held the relay's lease, another server had to take over.
      if (step === 25) await c.replace(0, backend === 'postgres' ? 'kill' : 'stop');
      if (step === 55) await c.replace(servers - 1, 'kill');
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const acked = await write(c, 4, 20, faults);

    const positions = await ledgerPositions(c);
    const last = positions.at(-1) ?? 0;
    const subjects = environmentSubjects(names.prefix, ENV);
    await eventually(
      async () => (await lastPosition(names.stream, subjects)) >= last,
      60_000,
      `the stream to reach position ${last}`,
    );
    const messages = await readStream(names.stream, subjects);
    expect(acked.size).toBeGreaterThan(60);
    expect(messages.map((m) => m.position)).toEqual(positions);
    const published = new Set(messages.map((m) => m.entry.eventId));
    expect([...acked].filter((id) => !published.has(id))).toEqual([]);
    for (const m of messages) expect(m.subject).toBe(entrySubject(names.prefix, ENV, m.entry));
    // One relay at a time: the lease's fencing generation never decreases along the stream.
    const generations = messages.map((m) => m.generation);
    expect(generations).toEqual([...generations].sort((x, y) => x - y));
    if (backend === 'postgres') expect(new Set(generations).size).toBeGreaterThan(1);
  }, 240_000);
});
