import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnhandClient } from '../../packages/client/src/index.js';
import { type Backend, createTestDatabase } from '../support/backends.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN = { clientId: 'ops', clientSecret: 'ops-secret-for-the-sdk-tests-0123' };
export const BROWSER = { clientId: 'shop-web', clientSecret: 'shop-web-secret-public-anyway-01' };
export const ENV = 'shop';

/** Real `onhand serve` processes on one database (one data directory on SQLite). */
export interface Cluster {
  readonly backend: Backend;
  readonly env: Record<string, string>;
  readonly servers: ServerProcess[];
  /** Stops server `index` and starts it again on its port; `clockStart` runs it with a clock from then. */
  restart(index: number, clockStart?: Date): Promise<void>;
  /** A client of server `index` (admin unless `credentials` say otherwise). */
  client(index: number, options?: Partial<ConstructorParameters<typeof OnhandClient>[0]>): OnhandClient;
  close(): Promise<void>;
}

/** Starts `count` servers (one on SQLite) with the admin client `ops` and a browser key `shop-web`. */
export async function startCluster(
  backend: Backend,
  count: number,
  extraEnv: Record<string, string> = {},
): Promise<Cluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onhand-sdk-'));
  const database = backend === 'postgres' ? await createTestDatabase() : undefined;
  const env: Record<string, string> = {
    ONHAND_DATA_DIR: dataDir,
    ONHAND_ADMIN_CLIENT_ID: ADMIN.clientId,
    ONHAND_ADMIN_CLIENT_SECRET: ADMIN.clientSecret,
    ONHAND_ENVIRONMENTS: ENV,
    ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
    ...extraEnv,
  };
  const servers = [await startServerProcess(env)];
  // The browser key, made as an operator would (docs/sdk.md), with the server's own command line.
  execFileSync(
    process.execPath,
    [
      ...['--import', 'tsx', 'src/cli/onhand.ts', 'clients', 'create', '--id', BROWSER.clientId],
      ...['--env', ENV, '--role', 'availability', '--secret', BROWSER.clientSecret],
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' },
  );
  const count1 = backend === 'sqlite' ? 1 : count;
  for (let i = 1; i < count1; i++) servers.push(await startServerProcess(env));
  return {
    backend,
    env,
    servers,
    restart: async (index, clockStart) => {
      const old = servers[index];
      if (!old) throw new Error(`no server ${index}`);
      await old.stop();
      const port = Number(new URL(old.url).port);
      servers[index] = clockStart
        ? await startServerProcess(
            { ...env, ONHAND_TEST_CLOCK_START: clockStart.toISOString() },
            30_000,
            ['test/support/serve-at.ts'],
            port,
          )
        : await startServerProcess(env, 30_000, undefined, port);
    },
    client: (index, options = {}) =>
      new OnhandClient({
        baseUrl: servers[index]?.url ?? '',
        environmentId: ENV,
        credentials: ADMIN,
        retryDelayMs: 20,
        ...options,
      }),
    close: async () => {
      for (const server of servers) await server.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A network between a client and the servers that the test can cut: while cut, requests fail as a
 * lost connection would, and cutting aborts the requests in flight (an open event stream drops).
 */
export class CuttableNetwork {
  #cut = false;
  readonly #inFlight = new Set<AbortController>();

  readonly fetch: typeof fetch = async (input, init) => {
    if (this.#cut) throw new TypeError('fetch failed (network cut by the test)');
    const controller = new AbortController();
    init?.signal?.addEventListener('abort', () => controller.abort());
    this.#inFlight.add(controller);
    try {
      return await fetch(input, { ...init, signal: controller.signal });
    } finally {
      // A streaming body outlives the call: keep it cuttable until cut() or the caller's abort.
      if (!String(input).includes('/feed/stream')) this.#inFlight.delete(controller);
    }
  };

  cut(): void {
    this.#cut = true;
    for (const controller of this.#inFlight) controller.abort();
    this.#inFlight.clear();
  }

  heal(): void {
    this.#cut = false;
  }
}

/** A T-shirt change at one store and colour. */
export function change(
  id: string,
  location: string,
  color: string,
  inbound: number,
): {
  id: string;
  organizationId: string;
  productId: string;
  dimensions: Record<string, string>;
  quantities: { pos: { inbound: number } };
} {
  return {
    id,
    organizationId: 'usmf',
    productId: 'T-shirt',
    dimensions: { siteId: '1', locationId: location, colorId: color },
    quantities: { pos: { inbound } },
  };
}

/** Waits until `check` holds (polling every 10 ms), failing with `describe()` after `timeoutMs`. */
export async function eventually(
  check: () => boolean,
  describe: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
