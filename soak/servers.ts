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

  /** Starts that failed (the process exited while starting, e.g. its database connection was cut). */
  readonly failedStarts: { at: number; output: string }[] = [];

  /** Starts the process and waits until /health/ping answers; tries again (5 times) when it exits while starting. */
  async start(timeoutMs = 60_000): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(timeoutMs);
      } catch (error) {
        if (attempt >= 5 || !this.#startExited) throw error;
        this.failedStarts.push({ at: Date.now(), output: this.#output.slice(-2000) });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  #startExited = false;

  private async startOnce(timeoutMs: number): Promise<void> {
    this.#startExited = false;
    const child = spawn(
      process.execPath,
      [this.entry, 'serve', '--port', String(this.port), '--host', '127.0.0.1'],
      {
        cwd: ROOT,
        env: { ...process.env, ONHAND_LOG_LEVEL: process.env.SOAK_SERVER_LOG_LEVEL ?? 'warn', ...this.env },
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
        if (!this.#expectExit && this.up) {
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
      if (child.exitCode !== null || child.signalCode !== null) {
        this.#startExited = true;
        throw new Error(`server ${this.name} exited while starting:\n${this.#output}`);
      }
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

  /** How long each graceful stop took (ms). */
  readonly stopTimes: number[] = [];
  /** Graceful stops that took longer than `stopLimitMs` and were ended with SIGKILL. */
  readonly slowStops: { at: number; output: string }[] = [];

  /**
   * SIGTERM: a graceful stop; resolves with the exit code. A process still running after `limitMs`
   * is killed, and the stop recorded as slow (the checker reports it).
   */
  async stop(limitMs = 10_000): Promise<number | null> {
    this.up = false;
    this.#expectExit = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.slowStops.push({ at: Date.now(), output: this.#output.slice(-20_000) });
      child.kill('SIGKILL');
    }, limitMs);
    const from = Date.now();
    const code = await this.#exited;
    clearTimeout(timer);
    this.stopTimes.push(Date.now() - from);
    return code;
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
