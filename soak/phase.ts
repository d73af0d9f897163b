import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from './api.js';
import { runChecks } from './checker/checker.js';
import type { CheckResult, Observed } from './checker/model.js';
import { num } from './checker/model.js';
import { runAllocator, runPlanner, runReader } from './clients/allocator.js';
import { runCheckout } from './clients/checkout.js';
import { type ClientContext, Rng, sleep } from './clients/context.js';
import { runErp } from './clients/erp.js';
import { runHostile } from './clients/hostile.js';
import { OCI_GRAPH, prepareOci, readOciAvailability } from './clients/oci-graph.js';
import { runOciOrders } from './clients/oci-orders.js';
import { expiredToken, fetchToken, tamperedToken } from './clients/tokens.js';
import { FaultLog, type FaultPlan, runFaults } from './faults.js';
import { FeedFollower } from './followers/feed-follower.js';
import { SdkFollower } from './followers/sdk-follower.js';
import { WebhookFollower } from './followers/webhook-follower.js';
import { History } from './history.js';
import { LedgerReader, readAllocations, readReservations, readSnapshot } from './observe.js';
import { Cluster, ServerNode } from './servers.js';
import { createDatabase, createIntruder, prepareEnvironment } from './setup.js';

/** One phase of a soak: its servers, its load and its faults. */
export interface PhaseOptions {
  readonly name: string;
  /** The onhand module the servers run (bundleServer()). */
  readonly entry: string;
  /** PostgreSQL server URL (a database is created on it and dropped); absent: SQLite. */
  readonly postgresUrl?: string;
  readonly servers: number;
  readonly loadMs: number;
  readonly plan: FaultPlan;
  readonly seed: number;
  readonly checkouts: number;
  /** Where the history, ledger and observations are written. */
  readonly outDir: string;
  /** How long followers may take to reach the head once the load stopped. */
  readonly convergeMs?: number;
  /** Go on past `loadMs` (up to three times as long) until at least these faults were injected. */
  readonly minFaults?: Readonly<Record<string, number>>;
  /** Extra clients (a hook for clients of capabilities to come); each runs until the phase stops. */
  readonly extraClients?: readonly ((ctx: ClientContext) => Promise<void>)[];
}

export interface PhaseResult {
  readonly name: string;
  readonly history: History;
  readonly faults: FaultLog;
  readonly results: readonly CheckResult[];
  readonly observed: Observed;
  readonly wallMs: number;
  /** Observations for the reader (how long convergence took, …). */
  readonly notes: readonly string[];
}

const ENVIRONMENT = 'soak';
/** How long a SIGTERM may take before the soak kills the server and warns. */
export const STOP_LIMIT_MS = 10_000;
const SECRET = 'soak-admin-secret-0123456789';

/** The command line's own error line of a failed start (`onhand: …`), else its last line. */
function firstError(output: string): string {
  const lines = output.trim().split('\n');
  return (lines.find((l) => l.startsWith('onhand:')) ?? lines.at(-1) ?? '').slice(0, 200);
}

/** Runs one phase from fresh servers to the checker's verdict. */
export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  const began = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), `onhand-soak-${o.name}-`));
  const database = o.postgresUrl === undefined ? undefined : await createDatabase(o.postgresUrl);
  const env: Record<string, string> = {
    ONHAND_DATA_DIR: dataDir,
    ONHAND_ADMIN_CLIENT_ID: 'ops',
    ONHAND_ADMIN_CLIENT_SECRET: SECRET,
    ONHAND_ENVIRONMENTS: `${ENVIRONMENT},other`,
    ONHAND_WEBHOOKS_ALLOW_PRIVATE: 'true',
    ONHAND_WEBHOOKS_TIMEOUT_MS: '2000',
    ONHAND_RATE_LIMIT_PER_SECOND: '0',
    ONHAND_TOKEN_RATE_LIMIT_PER_MINUTE: '0',
    ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
  };
  const nodes = await Promise.all(
    Array.from({ length: o.servers }, (_, i) => ServerNode.create('ab'[i] ?? `s${i}`, env, o.entry)),
  );
  const cluster = new Cluster(nodes);
  const history = new History(join(o.outDir, `${o.name}-history.jsonl`));
  const notes: string[] = [];
  const followers = { sse: [] as FeedFollower[], sdk: undefined as SdkFollower | undefined };
  try {
    await cluster.startAll();
    const token = await fetchToken(nodes[0]!.url, 'ops', SECRET);
    const api = new Api(cluster, history, ENVIRONMENT, () => token, began);
    const facts = await prepareEnvironment(api);
    await prepareOci(api);
    const intruder = await createIntruder(api);
    const tokens = {
      valid: token,
      otherEnvironment: await fetchToken(nodes[0]!.url, intruder.clientId, intruder.secret),
      expired: await expiredToken(token, dataDir),
      tampered: tamperedToken(token),
    };
    // One follower on any server that is up, one on the first server only (as the SDK cache is).
    const sse = new FeedFollower(
      () => cluster.pick(),
      ENVIRONMENT,
      () => token,
    );
    const pinned = new FeedFollower(
      () => nodes[0]!,
      ENVIRONMENT,
      () => token,
    );
    followers.sse.push(sse, pinned);
    sse.start();
    pinned.start();
    const webhook = new WebhookFollower();
    await webhook.start(api);
    const sdk = new SdkFollower(nodes[0]!.url, ENVIRONMENT, () => token);
    followers.sdk = sdk;
    await sdk.cache.start();

    let stopped = false;
    const stopping = () => stopped;
    const rng = new Rng(o.seed);
    const run = `${o.name}-${o.seed}`;
    const ctx = (k: number): ClientContext => ({ api, rng: new Rng(rng.int(0, 2 ** 31) + k), run, stopping });
    const faults = new FaultLog(began);
    const load = Promise.all([
      runErp(ctx(1)),
      runAllocator(ctx(2)),
      runPlanner(ctx(3)),
      runReader(ctx(4)),
      runHostile(ctx(5), tokens),
      runOciOrders(ctx(6)),
      ...Array.from({ length: o.checkouts }, (_, i) => runCheckout(ctx(10 + i), `checkout-${i + 1}`)),
      ...(o.extraClients ?? []).map((client, i) => client(ctx(100 + i))),
    ]);
    const injected = runFaults(o.plan, cluster, api, faults, stopping, webhook.receiver, database?.url);
    await sleep(o.loadMs);
    const short = () =>
      Object.entries(o.minFaults ?? {}).some(([kind, n]) => (faults.counts.get(kind) ?? 0) < n);
    while (short() && Date.now() < began + 3 * o.loadMs) await sleep(250);
    stopped = true;
    await Promise.all([load, injected]);

    // Followers reach the head, and the head stays put (expiries of the last carts come in meanwhile).
    const ledger = new LedgerReader(api);
    const until = Date.now() + (o.convergeMs ?? 60_000);
    let head = '';
    const convergeFrom = Date.now();
    const lagging = new Map<string, number>();
    for (;;) {
      await ledger.read();
      const behind = (
        [
          ['sse follower', sse.position],
          [`sse follower on ${nodes[0]!.name}`, pinned.position],
          ['webhook receiver', webhook.position()],
          ['sdk cache', sdk.position()],
        ] as const
      ).filter(([, p]) => num(p) < num(ledger.head));
      for (const [name] of behind) lagging.set(name, (lagging.get(name) ?? 0) + 1);
      if (behind.length === 0 && head === ledger.head) break;
      if (Date.now() > until) break;
      head = behind.length > 0 ? '' : ledger.head;
      await sleep(behind.length > 0 ? 250 : 1000);
    }
    for (const n of nodes)
      if (n.slowStops.length > 0)
        notes.push(
          `WARNING: server ${n.name} was still running ${STOP_LIMIT_MS / 1000} s after SIGTERM ${n.slowStops.length} time(s) and was killed; its output is in ${o.name}-server-${n.name}-slow-stop-*.log`,
        );
    for (const n of nodes)
      if (n.stopTimes.length > 0)
        notes.push(
          `server ${n.name} SIGTERM stops took ${n.stopTimes.map((t) => `${(t / 1000).toFixed(1)} s`).join(', ')}`,
        );
    for (const n of nodes)
      if (n.failedStarts.length > 0)
        notes.push(
          `server ${n.name} failed to start ${n.failedStarts.length} time(s) and was started again: ${firstError(n.failedStarts[0]?.output ?? '')}`,
        );
    notes.push(
      `followers converged in ${((Date.now() - convergeFrom) / 1000).toFixed(1)} s after the load stopped` +
        (lagging.size > 0
          ? ` (behind the head: ${[...lagging].map(([n, k]) => `${n} ×${k}`).join(', ')})`
          : ''),
    );
    // Read in this order, each read covers the ones before it: what the followers hold, the stored
    // state, the records, and last the ledger (expiries may still be committing).
    const followerLogs = [
      sse.log(),
      pinned.log(`sse follower on ${nodes[0]!.name}`),
      webhook.log(),
      sdk.log(),
    ];
    const converged = ledger.head;
    const snapshot = await readSnapshot(api);
    const reservations = await readReservations(api, ledger.entries);
    const readAt = Date.now();
    const allocations = await readAllocations(api, facts.groupsOrder);
    const ociAvailability = await readOciAvailability(api, ledger);
    const entries = await ledger.read();
    const observed: Observed = {
      history: history.records,
      ledger: entries,
      snapshot,
      schedules: snapshot.schedules,
      pool: facts.pool,
      reservations,
      allocations,
      followers: followerLogs,
      head: converged,
      readAt,
      oci: { graph: OCI_GRAPH, position: ociAvailability.position, availability: ociAvailability.records },
      crashes: nodes.flatMap((n) =>
        n.crashes.map((c) => ({ server: n.name, code: c.code, signal: c.signal, output: c.output })),
      ),
    };
    await Promise.all(followers.sse.map((f) => f.stop()));
    sdk.cache.stop();
    await webhook.receiver.down();
    writeFileSync(
      join(o.outDir, `${o.name}-observed.json`),
      JSON.stringify({ ...observed, history: undefined }),
    );
    return {
      name: o.name,
      history,
      faults,
      results: runChecks(observed),
      observed,
      wallMs: Date.now() - began,
      notes,
    };
  } finally {
    await Promise.all(followers.sse.map((f) => f.stop()));
    followers.sdk?.cache.stop();
    await history.close();
    await cluster.stopAll();
    for (const n of nodes) {
      writeFileSync(join(o.outDir, `${o.name}-server-${n.name}.log`), n.output());
      const dump = (what: string, logs: readonly { output: string }[]) => {
        for (const [i, log] of logs.entries())
          writeFileSync(join(o.outDir, `${o.name}-server-${n.name}-${what}-${i + 1}.log`), log.output);
      };
      dump('slow-stop', n.slowStops);
      dump('crash', n.crashes);
    }
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
