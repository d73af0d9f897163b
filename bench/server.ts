import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A process the harness started that answers HTTP on `url`. */
export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts a Node process running `script` (TypeScript through tsx) with `args`, and waits until
 * `readyPath` answers. `nodeFlags` go to node itself (e.g. --cpu-prof).
 */
export async function startProcess(options: {
  script: string;
  args: (port: number) => string[];
  env: Record<string, string>;
  readyPath: string;
  nodeFlags?: readonly string[];
  timeoutMs?: number;
}): Promise<BenchServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), '--import', 'tsx', options.script, ...options.args(port)],
    { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${options.script} exited early (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}${options.readyPath}`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} did not start in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid ?? 0,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Admin client the harness starts the server with. */
export const ADMIN = { id: 'bench', secret: 'bench-secret-not-for-production' } as const;

/**
 * node's flags for the server, as `npm start` and deploy/systemd/onhand.service give them (a larger young
 * generation; docs/operations.md, "Starting and building"): the harness measures the server as shipped.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'] as const;

/**
 * The flags the harness starts servers with: SERVER_NODE_FLAGS, or ONHAND_BENCH_SERVER_NODE_FLAGS when set
 * (space-separated; empty: node's defaults), to measure the server without them.
 */
function serverNodeFlags(): readonly string[] {
  const given = process.env.ONHAND_BENCH_SERVER_NODE_FLAGS;
  return given === undefined ? SERVER_NODE_FLAGS : given.split(' ').filter((flag) => flag !== '');
}

/** Starts `onhand serve` with the given data directory or database URL and environments. */
export function startOnhand(options: {
  dataDir: string;
  databaseUrl: string | undefined;
  environments: readonly string[];
  nodeFlags?: readonly string[];
}): Promise<BenchServer> {
  return startProcess({
    script: 'src/cli/onhand.ts',
    args: (port) => ['serve', '--port', String(port), '--host', '127.0.0.1'],
    env: {
      ONHAND_DATA_DIR: options.dataDir,
      ONHAND_LOG_LEVEL: 'warn',
      ONHAND_ADMIN_CLIENT_ID: ADMIN.id,
      ONHAND_ADMIN_CLIENT_SECRET: ADMIN.secret,
      ONHAND_ENVIRONMENTS: options.environments.join(','),
      // The bench measures capacity: the per-client rate limit (on by default with PostgreSQL) is off.
      ONHAND_RATE_LIMIT_PER_SECOND: '0',
      // W8 delivers webhooks to a receiver on 127.0.0.1.
      ONHAND_WEBHOOKS_ALLOW_PRIVATE: 'true',
      ...(options.databaseUrl ? { ONHAND_DATABASE_URL: options.databaseUrl } : {}),
    },
    readyPath: '/health/ping',
    nodeFlags: [...serverNodeFlags(), ...(options.nodeFlags ?? [])],
  });
}

/** A bearer token for the admin client. */
export async function adminToken(url: string): Promise<string> {
  const response = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ADMIN.id,
      client_secret: ADMIN.secret,
    }),
  });
  if (!response.ok) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** POSTs JSON and fails loudly on a non-2xx answer. */
export async function postJson(url: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}
