import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
  /**
   * CPU time (user + system) the measured server process spent per 2xx answer during the run, in µs,
   * when the server's pid was given (serverCpu.watch): steadier than rates on a busy machine.
   */
  readonly serverCpuUs?: number;
}

/**
 * The server process whose CPU time each load run reports (Linux: /proc/<pid>/stat), and every
 * load run's figure, in order, for the results file.
 */
export const serverCpu = {
  pid: 0,
  url: '',
  runs: [] as { path: string; connections: number; ok: number; cpuUs: number; perAnswerUs: number }[],
  /** Reports the CPU of the process `pid` for load runs against `url` (not against other servers). */
  watch(pid: number, url: string): void {
    this.pid = pid;
    this.url = url;
  },
};

/** User + system CPU time of a process in µs, or undefined where /proc cannot tell. */
function cpuTimeUs(pid: number): number | undefined {
  if (pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name; in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return undefined;
  }
}

/** Drives HTTP load with autocannon for `seconds` over `connections` keep-alive connections. */
export async function load(options: {
  url: string;
  token?: string;
  request: LoadRequest;
  connections: number;
  seconds: number;
  /** Requests per second over all connections (autocannon's overallRate); default: as fast as answered. */
  rate?: number;
}): Promise<LoadResult> {
  const { request } = options;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...request.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const makeBody = request.uniqueIds ? withUniqueIds(request) : request.makeBody;
  const pid = options.url === serverCpu.url ? serverCpu.pid : 0;
  const cpuBefore = cpuTimeUs(pid);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
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
  const cpuAfter = cpuTimeUs(pid);
  let serverCpuUs: number | undefined;
  if (cpuBefore !== undefined && cpuAfter !== undefined && ok > 0) {
    serverCpuUs = (cpuAfter - cpuBefore) / ok;
    const run = { path: request.path, connections: options.connections, ok, cpuUs: cpuAfter - cpuBefore };
    serverCpu.runs.push({ ...run, perAnswerUs: serverCpuUs });
    console.log(
      `   server CPU ${serverCpuUs.toFixed(1)} µs per answer (${request.path}, ${options.connections} conn.)`,
    );
  }
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
    ...(serverCpuUs === undefined ? {} : { serverCpuUs }),
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
