/**
 * What the feed relay needs from a message broker (NATS JetStream in production, src/nats/): a stream
 * to publish to, its last message per environment, and acknowledged publishing with deduplication.
 * The engine knows only this interface; main.ts picks the implementation.
 */
export interface RelayTransport {
  /**
   * Creates the stream if it does not exist, or updates the settings below on an existing one (other
   * settings an operator chose, such as replicas, are kept). Resolves once the broker answered.
   */
  ensureStream(stream: StreamSpec): Promise<void>;
  /**
   * The value of header `header` on the last message of `stream` on subjects matching `subjects` (a
   * filter with wildcards), or undefined when there is none.
   */
  lastHeader(stream: string, subjects: string, header: string): Promise<string | undefined>;
  /**
   * Publishes one message and resolves once the broker stored it (its acknowledgement), with
   * `duplicate: true` when the broker dropped it as a duplicate of an earlier message with the same id.
   * Messages published one after another on one transport reach the broker in that order.
   */
  publish(message: RelayMessage): Promise<{ readonly duplicate: boolean }>;
  /** The largest message (headers and payload, bytes) the broker accepts. */
  maxPayload(): number;
  /** Closes the connection (the relay calls it once no publish is in flight). */
  close(): Promise<void>;
}

/** The stream the relay publishes to. */
export interface StreamSpec {
  readonly name: string;
  /** Subject filters the stream captures, e.g. `onhand.>`. */
  readonly subjects: readonly string[];
  /** How long the stream keeps a message (ms). */
  readonly maxAgeMs: number;
  /** How long the broker remembers message ids to drop duplicates (ms). */
  readonly duplicateWindowMs: number;
}

/** One message: a subject, headers, the id the broker deduplicates by, and the payload. */
export interface RelayMessage {
  readonly subject: string;
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: Uint8Array;
}
