import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InvariantReport } from './invariants.js';
import type { MachineFacts } from './machine.js';
import type { Measurement } from './workload.js';

const RESULTS = fileURLToPath(new URL('./results', import.meta.url));

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2));

/** Prints the measurements as a table. */
export function printTable(backend: string, measurements: readonly Measurement[]): void {
  const rows = [
    ['workload', 'measure', 'value', 'p50 ms', 'p99 ms', 'baseline', 'ratio', 'target'],
    ...measurements.map((m) => [
      m.workload,
      m.label,
      `${fmt(m.value)} ${m.unit}`,
      m.p50 === undefined ? '' : String(m.p50),
      m.p99 === undefined ? '' : String(m.p99),
      `${fmt(m.baseline.value)} (${m.baseline.name})`,
      m.ratio.toFixed(2),
      m.target === undefined ? '' : `${m.met ? 'met' : 'MISSED'}: ${m.target}`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  console.log(`\n${backend}`);
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, j) => cell.padEnd(widths[j] ?? 0)).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** Writes bench/results/<date>-<backend>.json (…-2.json and on within one minute) and returns its path. */
export function writeResults(
  backend: string,
  content: {
    quick: boolean;
    seconds: number;
    machine: MachineFacts;
    baselines: Record<string, unknown>;
    measurements: readonly Measurement[];
    invariants: Record<string, InvariantReport>;
    /** CPU time of the server per 2xx answer in each load run (load.ts, serverCpu). */
    serverCpu?: readonly unknown[];
  },
): string {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  // Named by the minute; a second run in the same minute gets a suffix instead of overwriting the first.
  let file = join(RESULTS, `${stamp}-${backend}.json`);
  for (let n = 2; existsSync(file); n++) file = join(RESULTS, `${stamp}-${backend}-${n}.json`);
  writeFileSync(file, `${JSON.stringify({ backend, at: new Date().toISOString(), ...content }, null, 2)}\n`);
  return file;
}
