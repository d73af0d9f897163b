import pg from 'pg';
import type { Api } from './api.js';
import { HOT, ORG, pause, sleep, TAIL } from './clients/context.js';
import type { Cluster, ServerNode } from './servers.js';

/** The faults a phase injects, counted by kind. */
export class FaultLog {
  readonly counts = new Map<string, number>();
  readonly events: { at: number; kind: string; detail: string }[] = [];

  constructor(private readonly startedAt: number) {}

  add(kind: string, detail: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    this.events.push({ at: Date.now() - this.startedAt, kind, detail });
  }
}

/** The kinds of fault a run may inject (`--faults`). */
export const FAULT_KINDS = ['sigkill', 'sigterm', 'pg-terminate', 'webhook-down'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What to inject and how often. */
export interface FaultPlan {
  readonly kinds: ReadonlySet<FaultKind>;
  /** A server fault every this many ms: SIGKILL, SIGKILL, SIGKILL, SIGTERM mid-batch, in turn. */
  readonly serverEveryMs: number;
  /** pg_terminate_backend of every Onhand connection every this many ms (PostgreSQL only). */
  readonly terminateEveryMs: number;
  /** The webhook receiver goes down for `webhookDownMs` every `webhookEveryMs`. */
  readonly webhookEveryMs: number;
  readonly webhookDownMs: number;
}

/** SIGKILL a server and start it again on the same port. */
async function crash(node: ServerNode, log: FaultLog): Promise<void> {
  await node.kill();
  log.add('sigkill', node.name);
  await node.start();
}

/** SIGTERM a server while a 512-event bulk write is in flight on it; the write is retried elsewhere. */
async function stopMidBatch(
  api: Api,
  node: ServerNode,
  log: FaultLog,
  n: number,
  writes: Promise<unknown>[],
): Promise<void> {
  const events = Array.from({ length: 512 }, (_, i) => {
    const t = i === 0 ? HOT[n % HOT.length]! : TAIL[i % TAIL.length]!;
    return {
      id: `${api.environmentId}-sigterm-${api.startedAt}-${n}-${i}`,
      organizationId: ORG,
      productId: t.productId,
      dimensions: t.dimensions,
      quantities: { pos: { inbound: 1 } },
    };
  });
  writes.push(
    api.send({
      client: 'erp-batch',
      op: 'onhand.bulk',
      family: 'onhand',
      method: 'POST',
      path: '/onhand/bulk',
      body: events,
      ids: events.map((e) => e.id),
      server: node,
    }),
  );
  await sleep(30 + Math.floor(Math.random() * 60));
  const code = await node.stop();
  log.add('sigterm', `${node.name} exited ${code}`);
  await node.start();
}

/** Terminates every Onhand connection to the database from the database side; counts the killed ones. */
async function terminate(databaseUrl: string, log: FaultLog): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'onhand') t",
    );
    const n = (rows[0] as { n: number }).n;
    if (n > 0) log.add('pg_terminate_backend', `${n} connections`);
  } finally {
    await admin.end();
  }
}

/** The least time between a server fault's restart and the next server fault. */
const BOTH_UP_MS = 1000;

/** Runs the plan until `stopping()`; resolves once every server is up again. */
export async function runFaults(
  plan: FaultPlan,
  cluster: Cluster,
  api: Api,
  log: FaultLog,
  stopping: () => boolean,
  webhook: { down(): Promise<void>; up(): Promise<void> } | undefined,
  databaseUrl?: string,
): Promise<void> {
  const writes: Promise<unknown>[] = [];
  // Three SIGKILLs, then a SIGTERM: a short run gets its three SIGKILLs even if a SIGTERM hangs.
  const turns = [
    ...(plan.kinds.has('sigkill') ? ['sigkill', 'sigkill', 'sigkill'] : []),
    ...(plan.kinds.has('sigterm') ? ['sigterm'] : []),
  ];
  const servers = (async () => {
    if (turns.length === 0) return;
    // One fault every serverEveryMs from the start (not after the previous one ended), one at a time.
    const began = Date.now();
    for (let n = 0; !stopping(); n++) {
      // At least a second after the previous fault's restart even when behind schedule (slow start-ups
      // on a loaded machine), so that both servers are up for a while and the terminations get their turn.
      await pause(Math.max(began + (n + 1) * plan.serverEveryMs - Date.now(), BOTH_UP_MS), stopping);
      if (stopping()) break;
      // Shifted every round of four, so that each server gets the SIGTERM in turn too.
      const node = cluster.nodes[(n + Math.floor(n / 4)) % cluster.nodes.length]!;
      if (turns[n % turns.length] === 'sigterm') await stopMidBatch(api, node, log, n, writes);
      else await crash(node, log);
    }
  })();
  const terminator = (async () => {
    if (databaseUrl === undefined || !plan.kinds.has('pg-terminate')) return;
    while (!stopping()) {
      await pause(plan.terminateEveryMs, stopping);
      // Not while a server starts: a start-up whose connection is cut exits (documented), and on a
      // loaded machine repeated cuts kept restarts going for 14-27 s, starving a short run of its faults.
      // A round waits until every server is up (rather than skipping): with a server killed every 3 s
      // and slow start-ups, fixed rounds rarely found both up, and a short run got one round in 54 s.
      while (!stopping() && !cluster.nodes.every((node) => node.up)) await sleep(100);
      if (!stopping())
        await terminate(databaseUrl, log).catch((error) => log.add('terminator-error', String(error)));
    }
  })();
  const outage = (async () => {
    if (!webhook || !plan.kinds.has('webhook-down')) return;
    while (!stopping()) {
      await pause(plan.webhookEveryMs, stopping);
      if (stopping()) break;
      await webhook.down();
      log.add('webhook receiver down', `${plan.webhookDownMs} ms`);
      await sleep(plan.webhookDownMs);
      await webhook.up();
    }
  })();
  await Promise.all([servers, terminator, outage]);
  // The writes cut short by a SIGTERM are retried on the other servers until they get an answer.
  await Promise.all(writes);
}
