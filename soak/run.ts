import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleServer } from './bundle.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import { type PhaseResult, runPhase } from './phase.js';
import { explain, operationsByKind, summarise } from './summary.js';

/** Options of a soak run (npm run soak -- --minutes N …). */
export interface SoakOptions {
  readonly minutes: number;
  readonly postgresUrl?: string;
  readonly seed: number;
  readonly outDir: string;
  /** Seconds between server faults (SIGKILL ×3, then SIGTERM mid-batch); default 6. */
  readonly faultEverySeconds?: number;
  readonly checkouts?: number;
  /** The first phase goes on (up to three times its time) until it injected at least these faults. */
  readonly minFaults?: Readonly<Record<string, number>>;
  /** How long followers may take to reach the head once the load stopped (default 60 s). */
  readonly convergeSeconds?: number;
  /** Skip the SQLite phase (PostgreSQL only, all the time to it). */
  readonly postgresOnly?: boolean;
  /** The faults to inject (default: all). */
  readonly faults?: readonly FaultKind[];
}

/**
 * Runs the two phases: two servers on one fresh PostgreSQL database (when a URL is given), then one
 * server on SQLite; two thirds of the time go to the first. Stops at the first broken promise.
 */
export async function runSoak(
  o: SoakOptions,
  print: (text: string) => void = console.log,
): Promise<PhaseResult[]> {
  mkdirSync(o.outDir, { recursive: true });
  const totalMs = o.minutes * 60_000;
  const every = (o.faultEverySeconds ?? 6) * 1000;
  const phases = [
    ...(o.postgresUrl === undefined
      ? []
      : [{ name: 'postgres', postgresUrl: o.postgresUrl, servers: 2, share: 2 / 3 }]),
    { name: 'sqlite', servers: 1, share: o.postgresUrl === undefined ? 1 : 1 / 3 },
  ]
    .filter((p) => !(o.postgresOnly && o.postgresUrl !== undefined && p.name === 'sqlite'))
    .map((p) => (o.postgresOnly ? { ...p, share: 1 } : p));
  const entry = await bundleServer();
  const results: PhaseResult[] = [];
  for (const p of phases) {
    print(`-- phase ${p.name}: ${p.servers} server(s), ${Math.round((totalMs * p.share) / 1000)} s of load`);
    const result = await runPhase({
      name: p.name,
      entry,
      ...(o.convergeSeconds === undefined ? {} : { convergeMs: o.convergeSeconds * 1000 }),
      ...(results.length === 0 && o.minFaults ? { minFaults: o.minFaults } : {}),
      ...(p.postgresUrl === undefined ? {} : { postgresUrl: p.postgresUrl }),
      servers: p.servers,
      loadMs: totalMs * p.share,
      seed: o.seed + results.length,
      checkouts: o.checkouts ?? 4,
      outDir: o.outDir,
      plan: {
        kinds: new Set(o.faults ?? FAULT_KINDS),
        serverEveryMs: every,
        terminateEveryMs: 2_500,
        webhookEveryMs: 15_000,
        webhookDownMs: 3_000,
      },
    });
    results.push(result);
    print(summarise(result));
    const broken = explain(result);
    if (broken) {
      print(broken);
      break;
    }
  }
  const summary = results.map((r) => ({
    phase: r.name,
    wallSeconds: Math.round(r.wallMs / 1000),
    ledgerEntries: r.observed.ledger.length,
    operations: Object.fromEntries(
      [...operationsByKind(r.history.records)].map(([k, v]) => [
        k,
        { sent: v.sent, retries: v.retries, outcomes: Object.fromEntries(v.outcomes) },
      ]),
    ),
    faults: Object.fromEntries(r.faults.counts),
    checks: r.results.map((c) => ({ check: c.check, looked: c.looked, passed: !c.violation })),
  }));
  writeFileSync(join(o.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  print(`history, ledger and summary: ${o.outDir}`);
  return results;
}

function faultsOf(list: string): FaultKind[] {
  const kinds = list.split(',').filter((k) => k !== '');
  for (const k of kinds)
    if (!(FAULT_KINDS as readonly string[]).includes(k))
      throw new Error(`--faults: ${k} is not one of ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      'postgres-url': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'fault-every': { type: 'string' },
      checkouts: { type: 'string' },
      faults: { type: 'string' },
      'postgres-only': { type: 'boolean' },
      'converge-seconds': { type: 'string' },
    },
  });
  const postgresUrl = values['postgres-url'] ?? process.env.ONHAND_TEST_POSTGRES_URL;
  const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
  const outDir = values.out ?? join('soak-runs', new Date().toISOString().replace(/[:.]/g, '-'));
  if (postgresUrl === undefined)
    console.log('no --postgres-url (or ONHAND_TEST_POSTGRES_URL): SQLite phase only');
  console.log(`seed ${seed} (--seed ${seed} replays the clients' choices)`);
  const results = await runSoak({
    minutes: Number(values.minutes),
    ...(postgresUrl === undefined ? {} : { postgresUrl }),
    seed,
    outDir,
    ...(values['fault-every'] === undefined ? {} : { faultEverySeconds: Number(values['fault-every']) }),
    ...(values.checkouts === undefined ? {} : { checkouts: Number(values.checkouts) }),
    ...(values.faults === undefined ? {} : { faults: faultsOf(values.faults) }),
    ...(values['postgres-only'] ? { postgresOnly: true } : {}),
    ...(values['converge-seconds'] === undefined
      ? {}
      : { convergeSeconds: Number(values['converge-seconds']) }),
  });
  const failed = results.some((r) => r.results.some((c) => c.violation));
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
