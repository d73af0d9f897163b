import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';

/** One request shape autocannon sends; `body` may hold `[<id>]` markers, each replaced by a unique id. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  /** Builds a fresh body for every request (used when ids alone are not enough). */
  readonly makeBody?: () => string;
  /**
   * Replace every `[<id>]` of the body with one id unique to the request (the body then holds ids such
   * as `[<id>]-7` to tell its items apart). Done here rather than with autocannon's idReplacement,
   * whose Content-Length assumes ids of one fixed length.
   */
  readonly uniqueIds?: boolean;
  /** More request headers (e.g. `onhand-consistency`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one load run measured. */
export interface LoadResult {
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
}

/** Drives HTTP load with autocannon for `seconds` over `connections` keep-alive connections. */
export async function load(options: {
  url: string;
  token?: string;
  request: LoadRequest;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const { request } = options;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...request.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const makeBody = request.uniqueIds ? withUniqueIds(request) : request.makeBody;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: request.method,
        path: request.path,
        headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        ...(makeBody
          ? {
              setupRequest: (req: autocannon.Request) => {
                req.body = makeBody();
                return req;
              },
            }
          : {}),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    connections: options.connections,
    seconds: options.seconds,
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rps: ok / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** A body maker that puts a fresh request id in place of every `[<id>]`. */
function withUniqueIds(request: LoadRequest): () => string {
  const tag = randomBytes(4).toString('hex');
  const parts = new Map<string, string[]>();
  const source = request.makeBody ?? (() => request.body ?? '');
  let counter = 0;
  return () => {
    const body = source();
    let split = parts.get(body);
    if (!split) {
      split = body.split('[<id>]');
      parts.set(body, split);
    }
    return split.join(`${tag}${(counter++).toString(36).padStart(8, '0')}`);
  };
}
