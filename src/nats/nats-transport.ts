import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import type { RelayMessage, RelayTransport, StreamSpec } from '../engine/relay/relay-transport.js';

/** How long a publish waits for its acknowledgement before it fails (the relay then resumes). */
const PUBLISH_TIMEOUT_MS = 10_000;
const MS_TO_NS = 1_000_000;

/**
 * The relay's transport on NATS JetStream (the maintained `@nats-io` client). Connects to `url` (one
 * server or a comma-separated list; credentials in the URL as NATS accepts them), failing when no
 * server answers (the relay tries again later); once connected, it reconnects by itself for ever.
 */
export async function connectNats(url: string, name = 'onhand'): Promise<RelayTransport> {
  const connection = await connect({
    servers: url.split(',').map((s) => s.trim()),
    name,
    timeout: 5000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  });
  return new NatsTransport(connection, await jetstreamManager(connection), jetstream(connection));
}

class NatsTransport implements RelayTransport {
  constructor(
    private readonly connection: NatsConnection,
    private readonly manager: JetStreamManager,
    private readonly client: JetStreamClient,
  ) {}

  async ensureStream(spec: StreamSpec): Promise<void> {
    const wanted = {
      max_age: spec.maxAgeMs * MS_TO_NS,
      duplicate_window: spec.duplicateWindowMs * MS_TO_NS,
    };
    let existing: Awaited<ReturnType<JetStreamManager['streams']['info']>> | undefined;
    try {
      existing = await this.manager.streams.info(spec.name);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound))
        throw error;
    }
    if (!existing) {
      await this.manager.streams.add({
        name: spec.name,
        subjects: [...spec.subjects],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        ...wanted,
      });
      return;
    }
    const subjects = [...new Set([...(existing.config.subjects ?? []), ...spec.subjects])];
    const same =
      existing.config.max_age === wanted.max_age &&
      existing.config.duplicate_window === wanted.duplicate_window &&
      subjects.length === (existing.config.subjects ?? []).length;
    if (!same) await this.manager.streams.update(spec.name, { ...wanted, subjects });
  }

  async lastHeader(stream: string, subjects: string, header: string): Promise<string | undefined> {
    const message = await this.manager.streams.getMessage(stream, { last_by_subj: subjects });
    const value = message?.header.get(header);
    return value === undefined || value === '' ? undefined : value;
  }

  async publish(message: RelayMessage): Promise<{ readonly duplicate: boolean }> {
    const h = headers();
    for (const [key, value] of Object.entries(message.headers)) h.set(key, value);
    const ack = await this.client.publish(message.subject, message.data, {
      msgID: message.messageId,
      headers: h,
      timeout: PUBLISH_TIMEOUT_MS,
    });
    return { duplicate: ack.duplicate };
  }

  maxPayload(): number {
    return this.connection.info?.max_payload ?? 1024 * 1024;
  }

  async close(): Promise<void> {
    // The relay has waited for its acknowledgements: nothing is left to flush.
    await this.connection.close();
  }
}
