import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backend, createTestDatabase } from '../backends.js';
import { type ServerProcess, startServerProcess } from '../server-process.js';
import { compareAnswer } from './compare-answer.js';
import { parseJsonSequence, type ReplayItem, type Walkthrough } from './parse-walkthrough.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The host the documents use; replaced by the replay server's address. */
export const DOCUMENTED_URL = 'http://localhost:8080';
/** The admin client every replay server has (docs write `client_id=admin -d client_secret=YOUR_SECRET`). */
export const REPLAY_ADMIN = { id: 'admin', secret: 'YOUR_SECRET' };
const STEP_TIMEOUT_MS = 60_000;
/** A server start under a loaded machine (tsx compiles the sources first). */
const START_TIMEOUT_MS = 90_000;

interface ShellResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly statuses: readonly number[];
}

/**
 * Replays a document's walkthroughs against a fresh `onhand serve` process with its own data directory
 * (and database on PostgreSQL): runs every step in order with bash and real curl, and compares what
 * each prints with the answer the document shows. Returns the first failure, or undefined.
 */
export async function replayWalkthrough(
  document: string,
  walkthrough: Walkthrough,
  backend: Backend,
): Promise<string | undefined> {
  const replay = await Replay.start(walkthrough, backend);
  try {
    for (const item of walkthrough.items) {
      const problem = await replay.apply(item);
      if (problem) return `${document}:${item.line}: ${problem}\n--- server output\n${replay.serverOutput()}`;
    }
    return undefined;
  } finally {
    await replay.close();
  }
}

class Replay {
  private offsetMs = 0;
  private answersDated: string | undefined;
  private readonly generated: Map<string, string | undefined>;

  private constructor(
    private server: ServerProcess,
    private readonly port: number,
    private readonly dir: string,
    private readonly serverEnv: Record<string, string>,
    private readonly dropDatabase: (() => Promise<void>) | undefined,
    walkthrough: Walkthrough,
  ) {
    this.generated = new Map(walkthrough.generated.map((literal) => [literal, undefined]));
  }

  static async start(walkthrough: Walkthrough, backend: Backend): Promise<Replay> {
    const dir = mkdtempSync(join(tmpdir(), 'onhand-walkthrough-'));
    mkdirSync(join(dir, 'work'));
    const database = backend === 'postgres' ? await createTestDatabase() : undefined;
    const serverEnv: Record<string, string> = {
      ONHAND_DATA_DIR: join(dir, 'data'),
      ONHAND_ADMIN_CLIENT_ID: REPLAY_ADMIN.id,
      ONHAND_ADMIN_CLIENT_SECRET: REPLAY_ADMIN.secret,
      ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
    };
    try {
      const server = await startServerProcess(serverEnv, START_TIMEOUT_MS);
      const port = Number(new URL(server.url).port);
      const replay = new Replay(server, port, dir, serverEnv, database?.drop, walkthrough);
      writeFileSync(replay.statePath, `TOKEN=${shellQuote(await replay.adminToken())}\n`);
      return replay;
    } catch (error) {
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private get statePath(): string {
    return join(this.dir, 'state.sh');
  }

  serverOutput(): string {
    return this.server.output().slice(-4000);
  }

  async apply(item: ReplayItem): Promise<string | undefined> {
    switch (item.kind) {
      case 'answers-dated':
        this.answersDated = item.date;
        return undefined;
      case 'clock':
        this.offsetMs += item.advanceMs;
        await this.restart();
        return undefined;
      case 'run': {
        const result = await this.shell(item.script);
        return this.checkRun(result, item.script);
      }
      case 'step':
        return this.step(item);
    }
  }

  private async step(step: Extract<ReplayItem, { kind: 'step' }>): Promise<string | undefined> {
    const result = await this.shell(step.script);
    const ran = this.checkRun(result, step.script, step.status);
    if (ran) return ran;
    if (!step.answer) return undefined;
    const shown = parseJsonSequence(step.answer.text);
    const actual = parseJsonSequence(result.stdout);
    if (!shown) return `the answer shown at line ${step.answer.line} is not JSON`;
    if (!actual)
      return `printed no JSON where line ${step.answer.line} shows an answer\n${report(step.script, result)}`;
    const differences = compareAnswer(
      shown.length === 1 ? shown[0] : shown,
      actual.length === 1 ? actual[0] : actual,
      {
        generated: this.generated,
        shiftDays: this.shiftDays(),
      },
    );
    if (differences.length === 0) return undefined;
    return [
      `the answer differs from the one shown at line ${step.answer.line}:`,
      ...differences.map((d) => `  ${d}`),
      report(step.script, result),
    ].join('\n');
  }

  /** Checks the exit code and the HTTP statuses of a step or run: every call 2xx, or the last `status`. */
  private checkRun(result: ShellResult, script: string, status?: number): string | undefined {
    if (result.exitCode !== 0) return `exited with ${result.exitCode}\n${report(script, result)}`;
    const { statuses } = result;
    const last = statuses.length - 1;
    for (const [i, code] of statuses.entries()) {
      const expected = i === last ? status : undefined;
      if (expected === undefined ? code < 200 || code > 299 : code !== expected) {
        return `curl call ${i + 1} answered HTTP ${code}, expected ${expected ?? '2xx'}\n${report(script, result)}`;
      }
    }
    if (status !== undefined && statuses.length === 0)
      return `no curl call answered; expected HTTP ${status}`;
    return undefined;
  }

  private shiftDays(): number {
    if (this.answersDated === undefined) return 0;
    const today = Date.parse(new Date(Date.now() + this.offsetMs).toISOString().slice(0, 10));
    return Math.round((today - Date.parse(this.answersDated)) / 86_400_000);
  }

  /** The document's shell text with the replay server's address and the generated literals put in. */
  private substitute(script: string): string {
    let text = script.replaceAll(DOCUMENTED_URL, this.server.url);
    for (const [literal, value] of this.generated)
      if (value !== undefined) text = text.replaceAll(literal, value);
    return text;
  }

  private async shell(script: string): Promise<ShellResult> {
    const path = join(this.dir, 'step.sh');
    writeFileSync(path, shellScript(this.substitute(script)));
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [path], {
        cwd: join(this.dir, 'work'),
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: join(this.dir, 'work'),
          LANG: 'C.UTF-8',
          REPLAY_REPO: ROOT,
          REPLAY_STATE: this.statePath,
          REPLAY_DATA: this.serverEnv.ONHAND_DATA_DIR ?? '',
          REPLAY_DATABASE_URL: this.serverEnv.ONHAND_DATABASE_URL ?? '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
      child.once('error', reject);
      child.once('close', (exitCode) => {
        clearTimeout(timer);
        const statuses = [...stderr.matchAll(/^@@replay-status (\d{3})$/gm)].map((m) => Number(m[1]));
        resolve({ stdout, stderr: stderr.replace(/\n?@@replay-status \d{3}\n/g, ''), exitCode, statuses });
      });
    });
  }

  private async adminToken(): Promise<string> {
    const response = await fetch(`${this.server.url}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: REPLAY_ADMIN.id,
        client_secret: REPLAY_ADMIN.secret,
      }),
    });
    if (!response.ok) throw new Error(`no admin token: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  /** Restarts the server on the same port and data, its clock `offsetMs` ahead of real time. */
  private async restart(): Promise<void> {
    await this.server.stop();
    this.server = await startServerProcess(
      { ...this.serverEnv, ONHAND_TEST_CLOCK_START: new Date(Date.now() + this.offsetMs).toISOString() },
      START_TIMEOUT_MS,
      ['test/support/serve-at.ts'],
      this.port,
    );
  }

  async close(): Promise<void> {
    await this.server.stop();
    await this.dropDatabase?.();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The bash script of one step: curl reports each call's HTTP status on stderr, `onhand` runs the
 * command line against the replay server's data, and the variables and functions a step defines are
 * kept for the next steps (in $REPLAY_STATE).
 */
function shellScript(body: string): string {
  return `__replay_baseline=$(compgen -v)
set -eo pipefail
curl() { command curl -q -w '%{stderr}\\n@@replay-status %{http_code}\\n' "$@"; }
onhand() { (cd "$REPLAY_REPO" && node --import tsx src/cli/onhand.ts "$@" --data "$REPLAY_DATA" \${REPLAY_DATABASE_URL:+--database-url "$REPLAY_DATABASE_URL"}); }
source "$REPLAY_STATE"
${body}
{
  for __replay_v in $(compgen -v); do
    case "$__replay_v" in __replay_*|REPLAY_*) continue ;; esac
    grep -qxF "$__replay_v" <<<"$__replay_baseline" || declare -p "$__replay_v"
  done
  declare -f
} > "$REPLAY_STATE.next"
mv "$REPLAY_STATE.next" "$REPLAY_STATE"
`;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function report(script: string, result: ShellResult): string {
  return [
    '--- step',
    script,
    '--- stdout',
    result.stdout.slice(0, 4000),
    '--- stderr',
    result.stderr.slice(0, 2000),
  ].join('\n');
}
