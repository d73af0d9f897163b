import type { Store } from '../src/store/store.js';
import type { StorageCeilings } from './ceilings/storage-ceiling.js';
import type { LoadResult } from './load.js';

/** The HTTP ceiling (empty Fastify route) per number of connections, and for a bulk-sized POST body. */
export interface HttpCeilings {
  /** GET of an empty route, by connections. */
  readonly get: ReadonlyMap<number, LoadResult>;
  /** POST of a 512-event body to an empty route (parsed, then ignored), 16 connections. */
  readonly bulkPost: LoadResult;
}

/** Everything a workload needs: the running server, a token, the baselines and the store (for checks). */
export interface BenchContext {
  readonly backend: 'sqlite' | 'postgres';
  readonly url: string;
  /** The server process (CPU per request, from /proc). */
  readonly pid: number;
  readonly token: string;
  /** Seconds of each measured load run. */
  readonly seconds: number;
  readonly quick: boolean;
  /** The same database the server uses, opened by the harness for invariant checks. */
  readonly store: Store;
  readonly http: HttpCeilings;
  readonly storage: StorageCeilings;
  /** The server's database (PostgreSQL) and a directory for more server processes (W3 starts a second). */
  readonly databaseUrl: string | undefined;
  readonly workDir: string;
}

/** One line of the result table. */
export interface Measurement {
  readonly workload: string;
  readonly label: string;
  readonly unit: string;
  readonly value: number;
  readonly p50?: number;
  readonly p99?: number;
  readonly baseline: { readonly name: string; readonly value: number };
  /** value / baseline. */
  readonly ratio: number;
  /** The target, in words, and whether it was met (undefined: no target). */
  readonly target?: string;
  readonly met?: boolean;
  readonly notes?: string;
}

/**
 * A workload: one small module. `environmentId` is its own environment (so its invariant check reads
 * only its own ledger). `run` seeds what it needs, drives the load and returns its measurements;
 * the harness checks the invariants afterwards when `writes` is true.
 */
export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly environmentId: string;
  readonly writes: boolean;
  run(ctx: BenchContext): Promise<{ measurements: Measurement[]; acknowledgedEvents: number }>;
}

/** `value / baseline`, 0 when the baseline is 0. */
export const ratio = (value: number, baseline: number): number => (baseline > 0 ? value / baseline : 0);

/** Fails loudly when a load run saw transport errors (a workload must not count failures as speed). */
export function expectNoErrors(workload: string, result: LoadResult): void {
  if (result.errors > 0)
    throw new Error(`${workload}: ${result.errors} requests failed (errors or timeouts)`);
}
