import type { FollowerLog } from '../checker/model.js';
import { tupleKey } from '../checker/model.js';
import type { ServerNode } from '../servers.js';

/** An availability record of a feed entry (docs/feed.md). */
export interface AvailabilityRecord {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly indexSet?: number;
  readonly quantities: Readonly<Record<string, Readonly<Record<string, number | string>>>>;
}

/** A feed entry as the stream and webhooks carry it (the fields the soak reads). */
export interface FeedEntry {
  readonly position: string;
  readonly availability?: readonly AvailabilityRecord[];
}

/** Keeps, per full dimension tuple, the last published iv.availabletoreserve an entry carried. */
export function applyAvailability(values: Record<string, number>, entry: FeedEntry): void {
  for (const record of entry.availability ?? []) {
    if (record.indexSet !== undefined) continue;
    if (Object.keys(record.dimensions).some((k) => k.startsWith('@'))) continue;
    const value = record.quantities.iv?.availabletoreserve;
    if (value !== undefined) values[tupleKey(record)] = Number(value);
  }
}

/**
 * Follows the change feed over server-sent events from the beginning, on whichever server is up, and
 * resumes after the last position it handled when a stream ends (a server killed or stopped).
 */
export class FeedFollower {
  readonly deliveries: { id: string; positions: string[] }[] = [];
  readonly values: Record<string, number> = {};
  position = '0';
  connections = 0;
  #stopped = false;
  #controller: AbortController | undefined;
  #done: Promise<void> = Promise.resolve();

  constructor(
    /** The server to (re)connect to: any that is up, or always the same one. */
    private readonly pick: () => ServerNode,
    private readonly environmentId: string,
    private readonly token: () => string,
  ) {}

  start(): void {
    this.#done = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#controller?.abort();
    await this.#done;
  }

  log(name = 'sse follower'): FollowerLog {
    return {
      status: `${this.connections} connections`,
      name,
      kind: 'sse',
      after: '0',
      // Copies: the follower goes on receiving after this (an expiry may commit meanwhile).
      deliveries: this.deliveries.map((d) => ({ id: d.id, positions: [...d.positions] })),
      position: this.position,
      values: { ...this.values },
    };
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const server = this.pick();
      this.#controller = new AbortController();
      const delivery = { id: `connection-${++this.connections}`, positions: [] as string[] };
      this.deliveries.push(delivery);
      try {
        const response = await fetch(
          `${server.url}/api/environment/${this.environmentId}/feed/stream?after=${this.position}`,
          { headers: { authorization: `Bearer ${this.token()}` }, signal: this.#controller.signal },
        );
        if (response.ok && response.body) await this.#read(response.body, delivery.positions);
      } catch {
        // the server went away: reconnect
      }
      if (!this.#stopped) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async #read(body: ReadableStream<Uint8Array>, positions: string[]): Promise<void> {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const lines = block.split('\n');
        if (!lines.includes('event: entry')) continue;
        const data = lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        const entry = JSON.parse(data) as FeedEntry;
        positions.push(String(entry.position));
        this.position = String(entry.position);
        applyAvailability(this.values, entry);
      }
    }
  }
}
