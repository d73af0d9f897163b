import { entrySubject, environmentSubjects, messageId } from '../../domain/relay/nats-subject.js';
import { type FeedEntry, feedEntryJson } from '../feed/feed-entry.js';
import type { RelayMessage, RelayTransport } from './relay-transport.js';

/** Headers of every message (docs/feed.md, "NATS JetStream"). */
export const POSITION_HEADER = 'Onhand-Position';
export const ENVIRONMENT_HEADER = 'Onhand-Environment';
export const KIND_HEADER = 'Onhand-Kind';
/** The fencing generation of the lease its relay held: never decreases along the stream. */
export const GENERATION_HEADER = 'Onhand-Relay-Generation';
/** Set when the entry was too large for one message: which fields were left out. */
export const TRUNCATED_HEADER = 'Onhand-Truncated';

/** Room kept below the broker's limit for the headers and the protocol line. */
const HEADROOM = 4096;

/**
 * Turns feed entries into messages: the subject of the entry's product (domain/relay/nats-subject.ts),
 * the message id the broker deduplicates by, headers, and the entry's JSON as followers of the pull
 * and SSE APIs receive it. An entry too large for one message loses its `availability`, then its
 * `changes` (header `Onhand-Truncated` says which); the consumer reads it whole from the pull API.
 */
export class RelayMessageEncoder {
  constructor(
    private readonly stream: string,
    private readonly prefix: string,
    /** Serialises a JSON value (exact quantities as JSON numbers, as the HTTP API writes them). */
    private readonly toJson: (value: unknown) => string,
    private readonly maxPayload: () => number,
  ) {}

  /** The message of `entry`, published by the holder of the environment's lease `generation`. */
  encode(environmentId: string, entry: FeedEntry, generation: number): RelayMessage {
    const json = feedEntryJson(entry);
    const limit = this.maxPayload() - HEADROOM;
    let data = this.bytes(json);
    const headers: Record<string, string> = {
      [ENVIRONMENT_HEADER]: environmentId,
      [POSITION_HEADER]: String(entry.position),
      [KIND_HEADER]: entry.kind,
      [GENERATION_HEADER]: String(generation),
      'Content-Type': 'application/json',
    };
    if (data.byteLength > limit) {
      data = this.bytes({ ...json, availability: [] });
      headers[TRUNCATED_HEADER] = 'availability';
    }
    if (data.byteLength > limit) {
      data = this.bytes({ ...json, availability: [], changes: [] });
      headers[TRUNCATED_HEADER] = 'availability,changes';
    }
    return {
      subject: entrySubject(this.prefix, environmentId, entry),
      messageId: messageId(environmentId, entry.position),
      headers,
      data,
    };
  }

  /** The position of the environment's last message in the stream, or undefined when it has none. */
  async lastPublished(transport: RelayTransport, environmentId: string): Promise<number | undefined> {
    const value = await transport.lastHeader(
      this.stream,
      environmentSubjects(this.prefix, environmentId),
      POSITION_HEADER,
    );
    if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
    return Number(value);
  }

  private bytes(value: unknown): Uint8Array {
    return Buffer.from(this.toJson(value), 'utf8');
  }
}
