import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, NATS_URL, natsForTests, serveRelaying, uniqueStream } from '../support/nats.js';

/*
 * docs/feed.md, "NATS JetStream": the durable pull consumer of the example, run as written against a real
 * server relaying to a real NATS server, but for the stream's name and subject prefix (a test's own) and
 * a way to end its loop. It sees every entry of the environment once, in position order.
 */
const nats = await natsForTests();
const DOC = fileURLToPath(new URL('../../docs/feed.md', import.meta.url));
const SECRET = 'ops-secret-for-the-nats-consumer-doc';

/** The consumer block of the section, without its imports (passed in instead). */
function consumerBlock(): string {
  const text = readFileSync(DOC, 'utf8');
  const section = text.slice(text.indexOf('## NATS JetStream'));
  const block = /```js\n([\s\S]*?)```/.exec(section.slice(section.indexOf('**A consumer.**')))?.[1];
  if (!block) throw new Error('docs/feed.md has no NATS consumer block');
  return block
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .join('\n');
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;

describe.skipIf(!nats)('the NATS consumer of docs/feed.md', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('sees every entry of the environment once, in position order', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'onhand-nats-doc-'));
    const { stream, prefix, drop } = uniqueStream();
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }), drop);
    const server = await serveRelaying(dataDir, stream, prefix, {
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: 'demo',
    });
    cleanups.push(() => server.close());
    const token = (
      (await (
        await fetch(`${server.url}/oauth2/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: 'ops',
            client_secret: SECRET,
          }),
        })
      ).json()) as { access_token: string }
    ).access_token;
    const write = async (id: string, productId: string) => {
      const answer = await fetch(`${server.url}/api/environment/demo/onhand`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          id,
          organizationId: 'usmf',
          productId,
          dimensions: { siteId: '1', locationId: '11' },
          quantities: { pos: { inbound: 1 } },
        }),
      });
      expect(answer.status).toBe(200);
    };
    for (let i = 0; i < 5; i++) await write(`nats-doc-${i}`, i % 2 === 0 ? 'Lamp' : 'Desk');

    // As written, on the test's stream and subjects, its loop ending once it has seen the five entries.
    const code = consumerBlock()
      .replaceAll("'ONHAND'", `'${stream}'`)
      .replace("'onhand.demo.>'", `'${prefix}.demo.>'`)
      .replace("'nats://127.0.0.1:4222'", `'${NATS_URL}'`)
      .replace(/m\.ack\(\);\n\}/, 'm.ack();\n  if (done()) break;\n}');
    expect(code).toContain('if (done()) break;');
    const lines: unknown[][] = [];
    const logged = { log: (...values: unknown[]) => lines.push(values) };
    const consumer = new AsyncFunction(
      'AckPolicy',
      'jetstream',
      'jetstreamManager',
      'connect',
      'console',
      'done',
      `${code}\nawait nc.close();`,
    );
    // The relay publishes in the background: the stream exists once it has started.
    await eventually(
      async () => {
        const nc = await connect({ servers: NATS_URL });
        try {
          return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages >= 5;
        } finally {
          await nc.close();
        }
      },
      15_000,
      'the relay to publish the five entries',
    );
    // It logs a line per availability of an entry (the full tuple, each index set): entries by position.
    const entries = () => new Map(lines.map(([position, productId]) => [Number(position), productId]));
    await consumer(AckPolicy, jetstream, jetstreamManager, connect, logged, () => entries().size >= 5);

    const positions = lines.map(([position]) => Number(position));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect([...entries().values()]).toEqual(['Lamp', 'Desk', 'Lamp', 'Desk', 'Lamp']);
  });
});
