import { errorOf, OnhandApiError } from './errors.js';
import type { paths } from './generated/openapi.js';
import { type Credentials, TokenSource } from './tokens.js';
import type { Answer, Method, Operation, PathOf, PathParams, QueryParams, RequestBody } from './types.js';

/**
 * How fresh availability answers must be (docs/storefront.md, "Consistency"):
 * - `read-your-writes` (default): after this client's own writes, queries send `Onhand-Min-Position`
 *   with the commit token of the last one (they reflect at least it, without the server's strict check);
 *   before any write, the server's default (strict);
 * - `strict`: every write acknowledged before the query, on any server (no header sent);
 * - `bounded`: the server's memory as it is (`Onhand-Consistency: bounded`), plus the own-writes
 *   position after a write.
 */
export type Consistency = 'read-your-writes' | 'strict' | 'bounded';

/** Options of an OnhandClient. */
export interface OnhandClientOptions {
  /** The server, e.g. `https://onhand.example.com` (no trailing slash needed). */
  readonly baseUrl: string;
  /** The environment of `{environmentId}` paths unless a call names another. */
  readonly environmentId: string;
  readonly credentials: Credentials;
  readonly consistency?: Consistency;
  /** Attempts after the first for a request that is safe to repeat (default 3). */
  readonly retries?: number;
  /** First retry delay, doubled each time (default 100 ms); a 429's Retry-After wins. */
  readonly retryDelayMs?: number;
  /** fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch (default Date.now), for token expiry. */
  readonly now?: () => number;
}

/** Options of one request: its path parameters, query, body and extra headers. */
export interface RequestOptions<O> {
  readonly path?: PathParams<O>;
  readonly query?: QueryParams<O>;
  readonly body?: RequestBody<O>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A 2xx answer: the parsed body and what the headers say about positions. */
export interface ApiResponse<T> {
  readonly status: number;
  readonly data: T;
  readonly headers: Headers;
  /** `Onhand-Position`: the feed position the answer reflects (queries, feed, digest). */
  readonly position?: string;
  /** `Onhand-Commit-Token`: names the commits of a write. */
  readonly commitToken?: string;
}

/** Availability reads: they take the consistency headers, and are always safe to retry. */
function isRead(method: string, path: string): boolean {
  return method === 'post'
    ? /\/(onhand\/indexquery|onhand\/exactquery|availability\/digest)$/i.test(path)
    : method === 'get' && /\/onhand$/i.test(path);
}
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/**
 * A typed client for every Onhand endpoint: `request(method, path, options)` takes the OpenAPI path
 * template and is typed by the types generated from the server's document (src/generated/openapi.ts, the
 * index of one folder per API area).
 * It fetches and renews tokens, retries what is safe to retry (reads, and writes that carry their event
 * ids: a retry with the same id never counts twice), and sends `Onhand-Min-Position` after its own
 * writes. Works in Node 20+ and browsers (fetch only).
 */
export class OnhandClient {
  readonly baseUrl: string;
  readonly environmentId: string;
  readonly consistency: Consistency;
  readonly #tokens: TokenSource;
  readonly #fetch: typeof fetch;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  #lastCommit: string | undefined;

  constructor(options: OnhandClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.environmentId = options.environmentId;
    this.consistency = options.consistency ?? 'read-your-writes';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#tokens = new TokenSource(this.baseUrl, options.credentials, this.#fetch, options.now);
    this.#retries = options.retries ?? 3;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
  }

  /** The commit token of this client's last acknowledged write (sent as Onhand-Min-Position). */
  get lastCommitToken(): string | undefined {
    return this.#lastCommit;
  }

  /** A current bearer token (for a stream the caller opens itself). */
  token(): Promise<string> {
    return this.#tokens.get();
  }

  /** Calls an endpoint by method and OpenAPI path template; throws OnhandApiError on other than 2xx. */
  async request<M extends Method, P extends PathOf<M>>(
    method: M,
    path: P,
    options: RequestOptions<Operation<M, P & keyof paths>> = {},
  ): Promise<ApiResponse<Answer<Operation<M, P & keyof paths>>>> {
    const url = this.url(path, options.path as Record<string, string> | undefined, options.query);
    const read = isRead(method, path);
    const headers: Record<string, string> = { ...(read ? this.readHeaders() : {}), ...options.headers };
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const retryable = method !== 'post' || read || hasEventIds(options.body) || /\/extend$/.test(path);
    const response = await this.send(method.toUpperCase(), url, headers, body, retryable ? this.#retries : 0);
    const text = await response.text();
    const data = parse(text);
    if (!response.ok) throw errorOf(response.status, data, text);
    const position = response.headers.get('onhand-position') ?? undefined;
    const commitToken = response.headers.get('onhand-commit-token') ?? undefined;
    if (commitToken !== undefined) this.#lastCommit = commitToken;
    return {
      status: response.status,
      data: data as Answer<Operation<M, P & keyof paths>>,
      headers: response.headers,
      ...(position === undefined ? {} : { position }),
      ...(commitToken === undefined ? {} : { commitToken }),
    };
  }

  /** Sends with a token (a refused token is renewed once) and retries; returns the last answer. */
  async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    retries: number,
    signal?: AbortSignal,
  ): Promise<Response> {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        const authorization = `Bearer ${await this.#tokens.get()}`;
        response = await this.#fetch(url, {
          method,
          headers: { ...headers, authorization },
          ...(body === undefined ? {} : { body }),
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (error) {
        if (error instanceof OnhandApiError || signal?.aborted) throw error;
        if (attempt >= retries) {
          throw new OnhandApiError('network_error', 0, `${method} ${url}: ${String(error)}`);
        }
        await sleep(this.#retryDelayMs * 2 ** attempt);
        continue;
      }
      if (response.status === 401 && !renewed) {
        renewed = true;
        this.#tokens.invalidate();
        await response.body?.cancel();
        attempt--;
        continue;
      }
      if (!RETRY_STATUSES.has(response.status) || attempt >= retries) return response;
      const after = Number(response.headers.get('retry-after'));
      await response.body?.cancel();
      await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : this.#retryDelayMs * 2 ** attempt);
    }
  }

  /** The URL of a path template with its parameters and query. */
  url(path: string, params: Record<string, string> | undefined, query?: unknown): string {
    const values: Record<string, string> = { environmentId: this.environmentId, ...params };
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new TypeError(`${path} needs the path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined) search.append(key, String(item));
      }
    }
    const qs = search.toString();
    return `${this.baseUrl}${filled}${qs === '' ? '' : `?${qs}`}`;
  }

  /** The consistency headers of an availability read. */
  readHeaders(): Record<string, string> {
    if (this.consistency === 'strict') return {};
    return {
      ...(this.consistency === 'bounded' ? { 'onhand-consistency': 'bounded' } : {}),
      ...(this.#lastCommit === undefined ? {} : { 'onhand-min-position': this.#lastCommit }),
    };
  }
}

/** True when a write body (one item or a bulk array) carries an event id in every item. */
function hasEventIds(body: unknown): boolean {
  const items = Array.isArray(body) ? body : [body];
  return (
    items.length > 0 &&
    items.every(
      (item) =>
        typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string',
    )
  );
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
