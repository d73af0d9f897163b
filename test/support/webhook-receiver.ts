import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, as it came. */
export interface Received {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The status the receiver answered. */
  readonly status: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface ReceiverOptions {
  /** Answer 500 to this request (1-based count of requests); default: never. */
  readonly fails?: (n: number) => boolean;
  /** How long to take before answering (ms). */
  readonly delayMs?: number;
}

/**
 * A real webhook receiver (a node http server on 127.0.0.1) that records every request, answers some
 * with 500 as asked, and can go down (close its port) and come back up on the same port. It also
 * records, per path, the most requests it was serving at once.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Path → most requests in flight at the same time. */
  readonly maxInFlight = new Map<string, number>();
  #inFlight = new Map<string, number>();
  #server: Server | undefined;
  #port = 0;
  #count = 0;

  constructor(private readonly options: ReceiverOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Starts listening (on the former port after `down`). */
  async up(): Promise<void> {
    const server = createServer(
      (req, res) => void this.handle(req).then((status) => res.writeHead(status).end('ok')),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening: connections are refused until `up`. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The bodies of the requests answered 2xx on `path`, parsed. */
  accepted(path?: string): Received[] {
    return this.received.filter((r) => r.status < 300 && (path === undefined || r.path === path));
  }

  private async handle(req: IncomingMessage): Promise<number> {
    const startedAt = Date.now();
    const path = req.url ?? '/';
    const now = (this.#inFlight.get(path) ?? 0) + 1;
    this.#inFlight.set(path, now);
    this.maxInFlight.set(path, Math.max(now, this.maxInFlight.get(path) ?? 0));
    let body = '';
    for await (const chunk of req) body += String(chunk);
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    const n = ++this.#count;
    const status = this.options.fails?.(n) ? 500 : 204;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers[name] = value;
    this.#inFlight.set(path, (this.#inFlight.get(path) ?? 1) - 1);
    this.received.push({ path, headers, body, status, startedAt, endedAt: Date.now() });
    return status;
  }
}
