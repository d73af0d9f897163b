import { type ServerProcess, startServerProcess } from './server-process.js';

/**
 * The `onhand serve` processes of one end-to-end test, all on one store, with the token of the `ops`
 * client the environment variables create (its secret given): a list that faults replace entries of.
 */
export class ServerCluster {
  servers: (ServerProcess | undefined)[] = [];
  bearer = '';
  /** Every process started and not stopped yet, so that stopAll leaves none running. */
  readonly #running = new Set<ServerProcess>();
  #stopped = false;

  constructor(
    readonly env: Record<string, string>,
    private readonly environmentId: string,
    private readonly secret: string,
  ) {}

  async start(count: number): Promise<void> {
    this.servers = await Promise.all(Array.from({ length: count }, () => this.startOne()));
    const response = await fetch(`${this.url(0)}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'ops',
        client_secret: this.secret,
      }),
    });
    this.bearer = ((await response.json()) as { access_token: string }).access_token;
  }

  /** A live server, preferring index i. */
  url(i: number): string | undefined {
    const alive = this.servers.filter((s): s is ServerProcess => s !== undefined);
    return (this.servers[i % this.servers.length] ?? alive[i % Math.max(alive.length, 1)])?.url;
  }

  /** A call to the environment's API through server i (undefined: no server, or it went away mid-request). */
  async call(i: number, method: string, path: string, body?: unknown): Promise<Response | undefined> {
    const url = this.url(i);
    if (!url) return undefined;
    try {
      return await fetch(`${url}/api/environment/${this.environmentId}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.bearer}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      return undefined; // the server went away mid-request: the outcome is unknown
    }
  }

  /** Replaces server i: a graceful stop or a crash, then a fresh process on the same store. */
  async replace(i: number, how: 'stop' | 'kill'): Promise<void> {
    const victim = this.servers[i];
    this.servers[i] = undefined;
    if (how === 'stop') await victim?.stop();
    else await victim?.kill();
    if (victim) this.#running.delete(victim);
    this.servers[i] = await this.startOne();
  }

  /**
   * Stops every process the cluster started, including one a replace() still in flight starts after
   * this (it is stopped as soon as it is up).
   */
  async stopAll(): Promise<void> {
    this.#stopped = true;
    const all = new Set([...this.#running, ...this.servers.filter((s) => s !== undefined)]);
    await Promise.all([...all].map((s) => s.stop()));
    this.#running.clear();
    this.servers = [];
  }

  private async startOne(): Promise<ServerProcess> {
    const server = await startServerProcess(this.env);
    if (this.#stopped) await server.stop();
    else this.#running.add(server);
    return server;
  }
}
