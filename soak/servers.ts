import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/server-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * One `onhand serve` process the soak controls: it can be killed (SIGKILL), stopped (SIGTERM) and
 * started again on the same port, so clients and followers find it where it was.
 */
export class ServerNode {
  readonly url: string;
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> = Promise.resolve(null);
  #output = '';
  /** False while it is down or starting. */
  up = false;
  /** Exits nobody asked for (a crash of the server itself), with the output before them. */
  readonly crashes: { at: number; code: number | null; signal: string | null; output: string }[] = [];
  #expectExit = false;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    /** The onhand module to run (the soak's bundle, see bundle.ts). */
    private readonly entry: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async create(name: string, env: Record<string, string>, entry: string): Promise<ServerNode> {
    return new ServerNode(name, await freePort(), env, entry);
  }

  /** The last 20,000 characters the process wrote. */
  output(): string {
    return this.#output;
  }

  /** Starts the process and waits until /health/ping answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(
      process.execPath,
      [this.entry, 'serve', '--port', String(this.port), '--host', '127.0.0.1'],
      {
        cwd: ROOT,
        env: { ...process.env, ONHAND_LOG_LEVEL: 'warn', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    const append = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.#expectExit = false;
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.#expectExit) {
          this.up = false;
          this.crashes.push({ at: Date.now(), code, signal, output: this.#output.slice(-4000) });
          // Started again so that the load goes on; the checker reports the crash.
          setTimeout(() => void this.start().catch(() => undefined), 500);
        }
        resolve(code);
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`server ${this.name} exited while starting:\n${this.#output}`);
      try {
        if ((await fetch(`${this.url}/health/ping`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`server ${this.name} did not start within ${timeoutMs} ms:\n${this.#output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.up = true;
  }

  /** SIGKILL: a crash, nothing flushed or closed. */
  async kill(): Promise<void> {
    this.up = false;
    this.#expectExit = true;
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM: a graceful stop; resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.up = false;
    this.#expectExit = true;
    if (!this.#child || this.#child.exitCode !== null) return this.#child?.exitCode ?? null;
    this.#child.kill('SIGTERM');
    return this.#exited;
  }
}

/** The servers of a phase; clients pick one that is up, in turn. */
export class Cluster {
  #turn = 0;

  constructor(readonly nodes: readonly ServerNode[]) {}

  /** A server that is up (in turn), or any when none is (its requests then fail and are retried). */
  pick(): ServerNode {
    const live = this.nodes.filter((n) => n.up);
    const from = live.length > 0 ? live : this.nodes;
    return from[this.#turn++ % from.length]!;
  }

  async startAll(): Promise<void> {
    // Started together, as replicas are: migrations and the signing key race too.
    const started = await Promise.allSettled(this.nodes.map((n) => n.start()));
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  }

  async stopAll(): Promise<(number | null)[]> {
    return Promise.all(this.nodes.map((n) => n.stop()));
  }
}
