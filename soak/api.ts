import type { History, ItemOutcome } from './history.js';
import type { Cluster, ServerNode } from './servers.js';

/** A request a soak client makes; writes name their ledger family and event ids. */
export interface Call {
  readonly client: string;
  readonly op: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below /api/environment/{env}, or absolute when it starts with `//` (e.g. `//oauth2/token`). */
  readonly path: string;
  readonly body?: unknown;
  readonly family?: string;
  /** The event ids of the write (reservation id for an extend). */
  readonly ids?: readonly string[];
  /** The first attempt's timeout (a client that gives up early and retries); default `timeoutMs`. */
  readonly firstTimeoutMs?: number;
  readonly timeoutMs?: number;
  /** Retry lost answers, 429 and 5xx with the same body for this long (default 60 s); 0: never. */
  readonly retryForMs?: number;
  readonly server?: ServerNode;
  /** The per-event outcomes of an answer, for writes whose answers are no IV envelopes (OCI). */
  readonly outcomes?: (status: number, body: unknown) => ItemOutcome[];
}

/** The final answer of a call, after its retries. */
export interface Answer {
  readonly status: number | 'timeout' | 'network';
  readonly body: unknown;
  readonly items: readonly ItemOutcome[];
}

const RETRIED = new Set([429, 502, 503, 504]);
const PREFIX = /^oh[a-z]{2}~/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The per-event outcomes of a write's answer: an envelope, the bulk buckets, or an extension's answer. */
export function outcomesOf(call: Call, body: unknown): ItemOutcome[] {
  if (typeof body !== 'object' || body === null) return [];
  const envelopes: Record<string, unknown>[] = [];
  const b = body as Record<string, unknown>;
  if (typeof b.processingStatus === 'string') envelopes.push(b);
  else
    for (const bucket of ['success', 'failure', 'conflict', 'notFound', 'partialSuccess', 'unknown'])
      if (Array.isArray(b[bucket])) envelopes.push(...(b[bucket] as Record<string, unknown>[]));
  const single = envelopes.length === 1 && typeof b.processingStatus === 'string';
  return envelopes.map((e) => ({
    id: single && call.ids?.[0] !== undefined ? call.ids[0] : String(e.id ?? '').replace(PREFIX, ''),
    status: String(e.processingStatus),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.reservationId === 'string' && e.reservationId !== ''
      ? { reservationId: e.reservationId }
      : {}),
    ...(typeof e.expiresAt === 'string' ? { expiresAt: e.expiresAt } : {}),
  }));
}

/** HTTP for the soak's clients: every attempt goes to the history; lost answers are retried unchanged. */
export class Api {
  #request = 0;

  constructor(
    readonly cluster: Cluster,
    readonly history: History,
    readonly environmentId: string,
    readonly token: () => string,
    readonly startedAt: number,
  ) {}

  now(): number {
    return Date.now() - this.startedAt;
  }

  /** One attempt against one server, recorded. */
  async attempt(
    call: Call,
    server: ServerNode,
    request: string,
    attempt: number,
    timeoutMs: number,
  ): Promise<Answer> {
    const sentAt = this.now();
    const url = call.path.startsWith('//')
      ? `${server.url}${call.path.slice(1)}`
      : `${server.url}/api/environment/${this.environmentId}${call.path}`;
    let answer: Answer;
    try {
      const response = await fetch(url, {
        method: call.method,
        headers: {
          authorization: `Bearer ${this.token()}`,
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      answer = {
        status: response.status,
        body,
        items:
          call.family === undefined
            ? []
            : call.outcomes
              ? call.outcomes(response.status, body)
              : outcomesOf(call, body),
      };
    } catch (error) {
      const name = (error as { name?: string }).name;
      answer = { status: name === 'TimeoutError' ? 'timeout' : 'network', body: undefined, items: [] };
    }
    const code = (answer.body as { code?: unknown } | undefined)?.code;
    this.history.add({
      sentAt,
      doneAt: this.now(),
      client: call.client,
      op: call.op,
      server: server.name,
      ...(call.family === undefined ? {} : { family: call.family }),
      request,
      attempt,
      status: answer.status,
      ...(answer.items.length > 0 ? { items: answer.items } : {}),
      ...(typeof code === 'string' ? { note: code } : {}),
    });
    return answer;
  }

  /** Sends a call, retrying a lost answer, 429 and 502–504 with the same body, on any server that is up. */
  async send(call: Call): Promise<Answer> {
    const request = `${call.client}#${++this.#request}`;
    const until = Date.now() + (call.retryForMs ?? 60_000);
    for (let attempt = 1; ; attempt++) {
      const server = attempt === 1 && call.server ? call.server : this.cluster.pick();
      const timeoutMs =
        attempt === 1 ? (call.firstTimeoutMs ?? call.timeoutMs ?? 15_000) : (call.timeoutMs ?? 15_000);
      const answer = await this.attempt(call, server, request, attempt, timeoutMs);
      const lost = typeof answer.status !== 'number' || RETRIED.has(answer.status);
      if (!lost || Date.now() > until) return answer;
      await sleep(50 + Math.random() * 200);
    }
  }
}
