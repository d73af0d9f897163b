import type { CheckResult, FollowerLog, Observed } from './model.js';
import { num } from './model.js';
import { poolAt, replay } from './replay.js';

function problemOf(f: FollowerLog, o: Observed): { message: string; evidence: unknown[] } | undefined {
  if (num(f.position) < num(o.head))
    return {
      message: `stopped at position ${f.position}; the ledger's head is ${o.head}${f.status ? ` (${f.status})` : ''}`,
      evidence: [],
    };
  if (f.kind !== 'sdk') {
    const seen = new Set<string>();
    const received: string[] = [];
    for (const d of f.deliveries) {
      if (f.kind === 'webhook' && seen.has(d.id)) continue; // at least once: a delivery may come again
      seen.add(d.id);
      received.push(...d.positions);
    }
    for (let i = 1; i < received.length; i++)
      if (num(received[i]!) <= num(received[i - 1]!))
        return {
          message: `received position ${received[i]} after ${received[i - 1]} (out of order or twice)`,
          evidence: f.deliveries.filter((d) => d.positions.includes(received[i]!)),
        };
    const expected = o.ledger
      .map((e) => String(e.position))
      .filter((p) => num(p) > num(f.after) && num(p) <= num(f.position));
    const got = new Set(received);
    const missing = expected.filter((p) => !got.has(p));
    if (missing.length > 0)
      return {
        message: `never received positions ${missing.slice(0, 10).join(', ')}`,
        evidence: missing.slice(0, 10),
      };
    if (received.length !== expected.length) {
      const inLedger = new Set(expected);
      const extra = received.filter((p) => !inLedger.has(p));
      return {
        message: `received ${received.length} entries; the ledger holds ${expected.length} up to its position (received, not in the ledger: ${extra.slice(0, 10).join(', ')})`,
        evidence: f.deliveries
          .filter((d) => d.positions.some((p) => extra.includes(p)))
          .map((d) => ({ id: d.id, positions: d.positions.filter((p) => extra.includes(p)) })),
      };
    }
  }
  const state = replay(o.ledger, f.position);
  const tuples = Object.keys(f.values);
  if (tuples.length === 0 && o.ledger.length > 0)
    return { message: 'holds no availability at all', evidence: [] };
  for (const tuple of tuples) {
    const want = poolAt(state, tuple, o.pool);
    if (f.values[tuple] !== want)
      return {
        message: `shows ${f.values[tuple]} available at ${tuple} as of position ${f.position}; the ledger replays to ${want}`,
        evidence: [],
      };
  }
  return undefined;
}

/**
 * The feed follower, the webhook receiver and the SDK cache each saw every entry of the ledger, in order
 * (a webhook delivery may come twice, with the same id), reached the head, and hold the availability a
 * replay of the ledger gives at their position.
 */
export function checkFollowers(o: Observed): CheckResult {
  const looked = o.followers.map((f) => `${f.name} at ${f.position}`).join(', ') || 'no followers';
  for (const f of o.followers) {
    const problem = problemOf(f, o);
    if (problem)
      return {
        check: 'followers saw every entry in order and converged',
        looked,
        violation: {
          check: 'followers saw every entry in order and converged',
          message: `${f.name}: ${problem.message}`,
          evidence: problem.evidence,
        },
      };
  }
  return { check: 'followers saw every entry in order and converged', looked };
}
