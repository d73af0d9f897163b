import type { HistoryRecord } from './history.js';
import type { PhaseResult } from './phase.js';

/** Requests by kind: how many were sent (first attempts), retried, and how their items ended. */
export function operationsByKind(
  history: readonly HistoryRecord[],
): Map<string, { sent: number; retries: number; outcomes: Map<string, number> }> {
  const byKind = new Map<string, { sent: number; retries: number; outcomes: Map<string, number> }>();
  const finals = new Map<string, HistoryRecord>();
  for (const r of history) {
    if (r.client === 'checker' || r.client === 'setup') continue;
    const kind = byKind.get(r.op) ?? { sent: 0, retries: 0, outcomes: new Map() };
    byKind.set(r.op, kind);
    if (r.attempt === 1) kind.sent++;
    else kind.retries++;
    finals.set(r.request, r);
  }
  for (const r of finals.values()) {
    const outcomes = byKind.get(r.op)!.outcomes;
    const names =
      r.items && r.items.length > 0 ? r.items.map((i) => i.code ?? i.status) : [String(r.note ?? r.status)];
    for (const name of names) outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
  }
  return byKind;
}

const top = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** The text summary of a phase: operations by kind, faults by kind, checks. */
export function summarise(phase: PhaseResult): string {
  const lines = [
    `== ${phase.name}: ${Math.round(phase.wallMs / 1000)} s, ${phase.observed.ledger.length} ledger entries, head ${phase.observed.head}`,
  ];
  lines.push('operations (sent / retried: outcomes of the last attempt, per item)');
  for (const [op, k] of [...operationsByKind(phase.history.records)].sort())
    lines.push(
      `  ${op.padEnd(22)} ${String(k.sent).padStart(7)} / ${String(k.retries).padStart(5)}: ${top(k.outcomes)}`,
    );
  lines.push(`faults: ${top(phase.faults.counts) || 'none'}`);
  for (const note of phase.notes) lines.push(note);
  lines.push('checks');
  for (const r of phase.results)
    lines.push(`  ${r.violation ? 'BROKEN' : 'passed'}  ${r.check} (${r.looked})`);
  return lines.join('\n');
}

/** The first broken promise of a phase, with the history and ledger lines that show it. */
export function explain(phase: PhaseResult): string | undefined {
  const broken = phase.results.find((r) => r.violation)?.violation;
  if (!broken) return undefined;
  const evidence = broken.evidence.slice(0, 20).map((e) => `  ${JSON.stringify(e).slice(0, 2000)}`);
  return [
    `BROKEN PROMISE in ${phase.name}: ${broken.check}`,
    `  ${broken.message}`,
    'evidence:',
    ...evidence,
  ].join('\n');
}
