import { afterEach, describe, expect, it } from 'vitest';
import { entrySubject, environmentSubjects } from '../../../src/domain/relay/nats-subject.js';
import { FeedRelay } from '../../../src/engine/relay/feed-relay.js';
import type { RelayTransport } from '../../../src/engine/relay/relay-transport.js';
import { toJson } from '../../../src/http/json.js';
import { connectNats } from '../../../src/nats/nats-transport.js';
import { type Backend, testBackends } from '../../support/backends.js';
import { type Harness, startHarness, tshirtEvent } from '../../support/harness.js';
import { eventually, NATS_URL, natsForTests, readStream, uniqueStream } from '../../support/nats.js';

/**
 * The NATS relay in-process against the real NATS server (JetStream): every entry of the feed reaches
 * the stream once, in position order, on the subject of its product, across restarts of the relay and
 * handovers between relays sharing one database; only the lease holder publishes.
 */

const ENV = 'shop.eu';
const PRODUCTS = ['T-shirt', 'jeans.blue', 'two words', 'café*>', '_env'];
const nats = await natsForTests();

interface Publish {
  readonly relay: string;
  readonly at: number;
}

describe.skipIf(!nats).each(testBackends())('the NATS relay on %s', (backend: Backend) => {
  let h: Harness | undefined;
  let drop: (() => Promise<void>) | undefined;
  const relays: FeedRelay[] = [];
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await h?.close();
    await drop?.();
  });

  const setUp = async () => {
    h = await startHarness({ backend, environments: [ENV] });
    const names = uniqueStream();
    drop = names.drop;
    return { h, ...names };
  };

  /** A relay of the harness's engine; its publishes are logged under `name`. */
  const relay = (
    harness: Harness,
    stream: string,
    prefix: string,
    name: string,
    log: Publish[] = [],
    refuse?: (position: number) => boolean,
  ) => {
    const r = new FeedRelay({
      store: harness.services.store,
      feed: harness.services.engine.feed,
      clock: () => new Date(),
      onError: () => {},
      connect: async () => logged(await connectNats(NATS_URL), name, log, refuse),
      stream,
      subjectPrefix: prefix,
      maxAgeMs: 7 * 24 * 3600 * 1000,
      duplicateWindowMs: 120_000,
      toJson,
      maxInFlight: 16,
      leaseMs: 1500,
    });
    relays.push(r);
    return r;
  };

  const write = async (harness: Harness, from: number, count: number) => {
    const responses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        harness.request('POST', `/api/environment/${ENV}/onhand`, {
          ...tshirtEvent(`e-${from + i}`),
          productId: PRODUCTS[(from + i) % PRODUCTS.length],
        }),
      ),
    );
    for (const r of responses) expect(r.statusCode).toBe(200);
  };

  /** The feed as the pull API serves it (the message payloads must equal these entries). */
  const pulled = async (harness: Harness) => {
    const response = await harness.request('GET', `/api/environment/${ENV}/feed?after=0&limit=1000`);
    return (response.json() as { entries: { position: string; changes: { productId: string }[] }[] }).entries;
  };

  const caughtUp = (harness: Harness, stream: string) => async () => {
    const all = await pulled(harness);
    const done = await harness.services.store.feed.followerPosition(ENV, `nats:${stream}`);
    return done !== undefined && done >= Number(all.at(-1)?.position ?? 0);
  };

  it('publishes every entry once, in order, on its product subject, across relay restarts', async () => {
    const { h, stream, prefix } = await setUp();
    await write(h, 0, 12);
    const config = (await h.request('GET', `/api/environment/${ENV}/configuration`)).json();
    expect(
      (await h.request('POST', `/api/environment/${ENV}/configuration/hardupdate`, config)).statusCode,
    ).toBe(200);
    const first = relay(h, stream, prefix, 'first');
    first.start();
    await write(h, 12, 10);
    await eventually(caughtUp(h, stream), 20_000, 'the first relay to catch up');
    await first.stop();

    await write(h, 22, 15);
    const second = relay(h, stream, prefix, 'second');
    second.start();
    await write(h, 37, 5);
    await eventually(caughtUp(h, stream), 20_000, 'the second relay to catch up');

    const entries = await pulled(h);
    expect(entries.length).toBe(43);
    const messages = await readStream(stream, environmentSubjects(prefix, ENV));
    expect(messages.map((m) => m.entry)).toEqual(entries);
    expect(messages.map((m) => m.position)).toEqual(entries.map((e) => Number(e.position)));
    for (const m of messages) {
      expect(m.subject).toBe(entrySubject(prefix, ENV, m.entry));
      expect(m.messageId).toBe(`shop~2Eeu:${m.position}`);
    }
    expect(messages.filter((m) => m.subject.endsWith('._env')).map((m) => m.entry.kind)).toEqual([
      'configuration.updated',
    ]);
    expect(new Set(messages.map((m) => m.subject)).size).toBe(PRODUCTS.length + 1);
  }, 60_000);

  it('two relays on one database: one publishes at a time, and the other takes over when it stops', async () => {
    const { h, stream, prefix } = await setUp();
    const log: Publish[] = [];
    const a = relay(h, stream, prefix, 'a', log);
    const b = relay(h, stream, prefix, 'b', log);
    a.start();
    b.start();
    const writing = (async () => {
      for (let i = 0; i < 12; i++) {
        await write(h, i * 5, 5);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    await eventually(async () => log.length > 0, 20_000, 'a relay to publish');
    const holder = log[0]?.relay === 'a' ? a : b;
    const other = holder === a ? b : a;
    expect(other.relaying).toEqual([]);
    await holder.stop();
    await eventually(async () => other.relaying.length > 0, 10_000, 'the other relay to take over');
    await writing;
    await eventually(caughtUp(h, stream), 20_000, 'the relays to catch up');

    // Publishes of one relay never interleave with the other's: one run each.
    const runs = log.map((p) => p.relay).filter((r, i, all) => i === 0 || all[i - 1] !== r);
    expect(runs).toEqual(holder === a ? ['a', 'b'] : ['b', 'a']);
    const entries = await pulled(h);
    const messages = await readStream(stream, environmentSubjects(prefix, ENV));
    expect(messages.map((m) => m.position)).toEqual(entries.map((e) => Number(e.position)));
    // The lease changed hands once: its fencing generation rose once along the stream.
    const generations = messages.map((m) => m.generation);
    expect(generations).toEqual([...generations].sort((x, y) => x - y));
    expect(new Set(generations).size).toBe(2);
  }, 60_000);
  it('a message NATS refused while it stored later ones is sent again: no entry is skipped', async () => {
    const { h, stream, prefix } = await setUp();
    await write(h, 0, 30);
    const positions = (await pulled(h)).map((e) => Number(e.position));
    const refused = positions[9] ?? 0;
    let refusals = 0;
    relay(h, stream, prefix, 'r', [], (position) => position === refused && refusals++ === 0).start();
    await eventually(caughtUp(h, stream), 20_000, 'the relay to catch up');
    await write(h, 30, 5);
    await eventually(caughtUp(h, stream), 20_000, 'the relay to go on');

    const entries = await pulled(h);
    const messages = await readStream(stream, environmentSubjects(prefix, ENV));
    expect(refusals).toBe(2);
    const seen = messages.map((m) => m.position);
    expect([...seen].sort((x, y) => x - y)).toEqual(entries.map((e) => Number(e.position)));
    // Only the refused entry is out of place: it came after those stored while it was refused.
    expect(seen.filter((p) => p !== refused)).toEqual(
      entries.map((e) => Number(e.position)).filter((p) => p !== refused),
    );
  }, 60_000);
});

/**
 * The transport, logging each publish with the relay's name; `refuse` picks messages that fail without
 * reaching NATS while the ones after them go through (as a JetStream restart in mid-pipeline can do).
 */
function logged(
  transport: RelayTransport,
  name: string,
  log: Publish[],
  refuse: (position: number) => boolean = () => false,
): RelayTransport {
  return {
    ensureStream: (spec) => transport.ensureStream(spec),
    lastHeader: (stream, subjects, header) => transport.lastHeader(stream, subjects, header),
    publish: (message) => {
      log.push({ relay: name, at: Date.now() });
      if (refuse(Number(message.headers['Onhand-Position'])))
        return new Promise((_, reject) => setTimeout(() => reject(new Error('refused')), 50));
      return transport.publish(message);
    },
    maxPayload: () => transport.maxPayload(),
    close: () => transport.close(),
  };
}
