import { randomBytes } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type Server, startServer } from '../../src/main.js';
import { loadSettings } from '../../src/settings.js';

/** The NATS server with JetStream the relay tests use (.ci/run starts it). */
export const NATS_URL = process.env.ONHAND_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Whether the NATS server with JetStream answers. With CI=true a missing server is an error, never a
 * silent skip; otherwise the tests that need it skip and say why.
 */
export async function natsForTests(): Promise<boolean> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 2000, maxReconnectAttempts: 0 });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
    } finally {
      await nc.close();
    }
    return true;
  } catch (error) {
    const message = `no NATS server with JetStream at ${NATS_URL} (${String(error)}): start one with nats-server -js`;
    if (process.env.CI === 'true') throw new Error(`CI must provide NATS: ${message}`);
    console.warn(`Skipping the NATS relay tests: ${message}.`);
    return false;
  }
}

/** A server in this process, on `dataDir`, relaying its feed to `stream` under `prefix`; `env` adds settings. */
export function serveRelaying(
  dataDir: string,
  stream: string,
  prefix: string,
  env: Record<string, string> = {},
): Promise<Server> {
  return startServer(
    loadSettings(
      { data: dataDir, port: '0', host: '127.0.0.1' },
      {
        ONHAND_LOG_LEVEL: 'silent',
        ONHAND_NATS_URL: NATS_URL,
        ONHAND_NATS_STREAM: stream,
        ONHAND_NATS_SUBJECT_PREFIX: prefix,
        ...env,
      },
    ),
    () => {},
  );
}

/** A stream name and subject prefix no other test uses; `drop` deletes the stream. */
export function uniqueStream(): { stream: string; prefix: string; drop: () => Promise<void> } {
  const id = randomBytes(6).toString('hex');
  const stream = `ONHAND_TEST_${id}`;
  return {
    stream,
    prefix: `onhandtest${id}`,
    drop: async () => {
      const nc = await connect({ servers: NATS_URL });
      try {
        await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
      } finally {
        await nc.close();
      }
    },
  };
}

/** One message as a consumer of the stream sees it. */
export interface StreamMessage {
  readonly subject: string;
  readonly streamSequence: number;
  readonly messageId: string | undefined;
  readonly position: number;
  readonly truncated: string | undefined;
  /** The fencing generation of the lease of the relay that published it. */
  readonly generation: number;
  readonly entry: {
    position: string;
    kind: string;
    eventId: string | null;
    changes: { productId: string; delta: number; dataSource: string; measure: string }[];
    availability: unknown[];
  };
}

/**
 * Reads every message of `stream` on subjects `filter` as a JetStream consumer does (a pull consumer
 * of its own, from the first message), in stream order.
 */
export async function readStream(stream: string, filter: string, url = NATS_URL): Promise<StreamMessage[]> {
  const nc: NatsConnection = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.add(stream, {
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filter,
      inactive_threshold: 60_000_000_000,
    });
    const consumer = await jetstream(nc).consumers.get(stream, info.name);
    const seen: StreamMessage[] = [];
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
      let count = 0;
      for await (const m of batch) {
        count++;
        seen.push({
          subject: m.subject,
          streamSequence: m.info.streamSequence,
          messageId: m.headers?.get('Nats-Msg-Id'),
          position: Number(m.headers?.get('Onhand-Position')),
          truncated: m.headers?.get('Onhand-Truncated') || undefined,
          generation: Number(m.headers?.get('Onhand-Relay-Generation')),
          entry: m.json(),
        });
        m.ack();
      }
      if (count === 0) break;
    }
    await jsm.consumers.delete(stream, info.name).catch(() => false);
    return seen;
  } finally {
    await nc.close();
  }
}

/** The `Onhand-Position` of the last message of `stream` on subjects `filter` (0 when none). */
export async function lastPosition(stream: string, filter: string, url = NATS_URL): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const message = await (await jetstreamManager(nc)).streams
      .getMessage(stream, { last_by_subj: filter })
      .catch(() => null);
    return Number(message?.header.get('Onhand-Position') || 0);
  } finally {
    await nc.close();
  }
}

/** Waits until `check` holds (polling), or fails after `timeoutMs` with `what`. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A check that throws (e.g. NATS not listening yet) has not held yet.
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
