import { checkFollowers } from './follower-checks.js';
import { checkAtMostOnce, checkNoOversell, checkReplay } from './ledger-checks.js';
import type { CheckResult, Observed } from './model.js';
import { checkOciOversell } from './oci-checks.js';
import { checkOciRecords } from './oci-record-checks.js';
import { checkOciFirstOutcome } from './oci-write-checks.js';
import { checkAllocations, checkReservations } from './record-checks.js';
import { checkAcknowledged, checkFirstOutcome, checkHostile } from './write-checks.js';

/** Servers stay up on their own: none exited that the soak did not kill or stop. */
export function checkNoCrash(o: Observed): CheckResult {
  const crashes = o.crashes ?? [];
  const first = crashes[0];
  return {
    check: 'no server exited on its own',
    looked: `${crashes.length} unexpected exits`,
    ...(first
      ? {
          violation: {
            check: 'no server exited on its own',
            message: `server ${first.server} exited (code ${first.code}, signal ${first.signal}) without being killed`,
            evidence: [first.output],
          },
        }
      : {}),
  };
}

/** Every check, in the order they run. */
export const CHECKS: readonly ((o: Observed) => CheckResult)[] = [
  checkNoCrash,
  checkNoOversell,
  checkOciOversell,
  checkAtMostOnce,
  checkAcknowledged,
  checkFirstOutcome,
  checkOciFirstOutcome,
  checkReplay,
  checkReservations,
  checkOciRecords,
  checkAllocations,
  checkFollowers,
  checkHostile,
];

/** Runs the checks until the first broken promise; returns the results so far (the last broken, if any). */
export function runChecks(o: Observed): CheckResult[] {
  const results: CheckResult[] = [];
  for (const check of CHECKS) {
    const result = check(o);
    results.push(result);
    if (result.violation) break;
  }
  return results;
}

/** The first broken promise of a run, if any. */
export const brokenOf = (results: readonly CheckResult[]) => results.find((r) => r.violation)?.violation;
