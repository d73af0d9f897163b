import type { ServerResponse } from 'node:http';
import { ERROR_CODES, type StreamEndCode } from '../../domain/codes.js';
import type { FeedEntry } from '../../engine/feed/feed-entry.js';
import type { FeedSink } from '../../engine/feed/feed-hub.js';
import { entryText } from './entry-text.js';

/** How often a comment line keeps an idle stream (and the proxies in between) alive. */
export const HEARTBEAT_MS = 15_000;

/**
 * Writes feed entries to a server-sent-events response: `id:` is the entry's position (so a browser's
 * EventSource resumes with Last-Event-ID), `event: entry`, `data:` the entry's JSON on one line. A
 * follower that lets more than `maxBuffered` bytes pile up unsent is too slow: the hub disconnects it
 * (after an `event: error` telling why), and it resumes by position; memory never grows without bound.
 */
export class SseSink implements FeedSink {
  #closed = false;
  readonly #heartbeat: NodeJS.Timeout;

  /** Where the last `progress` event left the stream (undefined: none sent). */
  #progressed: number | undefined;

  /**
   * `progress`: write `event: progress` when the follower's position moved past entries its filter
   * left out (`?progress=true`, docs/feed.md).
   */
  constructor(
    private readonly raw: ServerResponse,
    private readonly maxBuffered: number,
    heartbeatMs = HEARTBEAT_MS,
    private readonly redact = false,
    private readonly withProgress = false,
  ) {
    this.#heartbeat = setInterval(() => this.write(': heartbeat\n\n'), heartbeatMs);
    this.#heartbeat.unref();
    raw.on('close', () => this.stop());
  }

  /** True once the response has ended (either side). */
  get closed(): boolean {
    return this.#closed;
  }

  push(entries: readonly FeedEntry[]): boolean {
    let text = '';
    for (const entry of entries) {
      text += `id: ${entry.position}\nevent: entry\ndata: ${entryText(entry, this.redact)}\n\n`;
    }
    this.write(text);
    return this.raw.writableLength <= this.maxBuffered;
  }

  /** `id:` the position too, so that an EventSource reconnecting resumes after it. */
  progress(position: number): void {
    if (!this.withProgress || position === this.#progressed) return;
    this.#progressed = position;
    this.write(`id: ${position}\nevent: progress\ndata: {"position":"${position}"}\n\n`);
  }

  close(reason: StreamEndCode): void {
    const message = ERROR_CODES[reason];
    this.write(`event: error\ndata: ${JSON.stringify({ code: reason, message })}\n\n`);
    this.end();
  }

  /** Ends the response (server side). */
  end(): void {
    this.stop();
    this.raw.end();
  }

  private write(text: string): void {
    if (!this.#closed && text.length > 0) this.raw.write(text);
  }

  private stop(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
  }
}
