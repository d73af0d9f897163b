import type { HistoryRecord, ItemOutcome } from '../history.js';
import { recordsOf } from './ledger-checks.js';
import type { CheckResult, LedgerEntry, Observed } from './model.js';

const ACCEPTED = new Set(['success', 'partialSuccess']);
const ok = (r: HistoryRecord) => typeof r.status === 'number' && r.status >= 200 && r.status < 300;

function byEvent(ledger: readonly LedgerEntry[]): Map<string, LedgerEntry> {
  const map = new Map<string, LedgerEntry>();
  for (const e of ledger) if (e.eventId !== null) map.set(`${e.family}:${e.eventId}`, e);
  return map;
}

/** Each item of each write the history shows, with its record. */
function* items(history: readonly HistoryRecord[]): Generator<[HistoryRecord, ItemOutcome]> {
  for (const r of history)
    if (r.family !== undefined && r.hostile === undefined) for (const i of r.items ?? []) yield [r, i];
}

/** The expiries each reservation was extended to, by the ledger's reservation.extend entries. */
function extensions(ledger: readonly LedgerEntry[]): Map<string, Set<unknown>> {
  const byReservation = new Map<string, Set<unknown>>();
  for (const e of ledger)
    if (e.kind === 'reservation.extend' && e.reference !== null) {
      const set = byReservation.get(e.reference) ?? new Set();
      set.add(e.outcome.extra?.expiresAt);
      byReservation.set(e.reference, set);
    }
  return byReservation;
}

/** Never lose an acknowledged write: every item answered success or partialSuccess is in the ledger. */
export function checkAcknowledged(o: Observed): CheckResult {
  const entries = byEvent(o.ledger);
  const extended = extensions(o.ledger);
  let acknowledged = 0;
  for (const [record, item] of items(o.history)) {
    if (!ACCEPTED.has(item.status)) continue;
    acknowledged++;
    const present =
      record.family === 'reservation'
        ? (extended.get(item.id)?.has(item.expiresAt) ?? false)
        : entries.has(`${record.family}:${item.id}`);
    if (!present)
      return {
        check: 'every acknowledged write is in the ledger',
        looked: `${acknowledged} acknowledged items`,
        violation: {
          check: 'every acknowledged write is in the ledger',
          message: `${record.family} ${item.id} was answered ${item.status} (history #${record.n}) but is not in the ledger`,
          evidence: [record],
        },
      };
  }
  return { check: 'every acknowledged write is in the ledger', looked: `${acknowledged} acknowledged items` };
}

/**
 * Each retry is answered with the first outcome: an answer of success or partialSuccess, and any answer
 * sent after one such answer for the same id, says what the ledger recorded (status and reservation);
 * no retry of the same body is ever called a conflict.
 */
export function checkFirstOutcome(o: Observed): CheckResult {
  const entries = byEvent(o.ledger);
  const acceptedAt = new Map<string, number>();
  let compared = 0;
  const sorted = [...items(o.history)].sort((a, b) => a[0].sentAt - b[0].sentAt);
  for (const [record, item] of sorted) {
    // OCI answers are no IV envelopes: checkOciFirstOutcome compares them.
    if (record.family === 'reservation' || record.family?.startsWith('oci-')) continue;
    const key = `${record.family}:${item.id}`;
    const entry = entries.get(key);
    const after = acceptedAt.get(key);
    const mustMatch = ACCEPTED.has(item.status) || (after !== undefined && record.sentAt > after);
    const fail = (message: string): CheckResult => ({
      check: 'each retry answered with its first outcome',
      looked: `${compared} answers`,
      violation: {
        check: 'each retry answered with its first outcome',
        message,
        evidence: [...(entry ? [entry] : []), ...recordsOf(o.history, item.id)],
      },
    });
    if (item.code === 'event_id_conflict')
      return fail(
        `${key} was sent again with its own body and answered event_id_conflict (history #${record.n})`,
      );
    if (!mustMatch || !entry) continue;
    compared++;
    const reservationId = entry.outcome.extra?.reservationId;
    if (entry.outcome.status !== item.status)
      return fail(
        `${key} was answered ${item.status} (history #${record.n}); its first outcome is ${entry.outcome.status}`,
      );
    if (typeof reservationId === 'string' && item.reservationId !== reservationId)
      return fail(
        `${key} named reservation ${item.reservationId} (history #${record.n}); its first outcome named ${reservationId}`,
      );
    if (ACCEPTED.has(item.status) && after === undefined) acceptedAt.set(key, record.doneAt);
  }
  return { check: 'each retry answered with its first outcome', looked: `${compared} answers` };
}

/**
 * Bad input changes nothing and does not stop the others: every hostile request was refused (no 2xx), no hostile event id reached the ledger, and while each slow upload was
 * trickling other clients were answered.
 */
export function checkHostile(o: Observed): CheckResult {
  const hostile = o.history.filter((r) => r.hostile !== undefined);
  const fail = (message: string, evidence: unknown[]): CheckResult => ({
    check: 'hostile requests changed nothing',
    looked: `${hostile.length} hostile requests`,
    violation: { check: 'hostile requests changed nothing', message, evidence },
  });
  for (const r of hostile) {
    // Refused: any answer but 2xx (a server shutting down answers 503), or the connection closed.
    const refused = typeof r.status !== 'number' || r.status < 200 || r.status >= 300;
    if (!refused) return fail(`hostile ${r.hostile} request was answered ${r.status} (history #${r.n})`, [r]);
  }
  const leaked = o.ledger.find((e) => e.eventId?.startsWith('hostile-'));
  if (leaked) return fail(`hostile event ${leaked.eventId} is in the ledger`, [leaked]);
  // Answers that came while a slow upload trickled for a while (one refused at once, by a server that was down, proves nothing).
  for (const slow of hostile.filter((r) => r.hostile === 'slowloris' && r.doneAt - r.sentAt >= 1000)) {
    const served = o.history.some(
      (r) => r.hostile === undefined && ok(r) && r.doneAt >= slow.sentAt && r.doneAt <= slow.doneAt,
    );
    if (!served) return fail(`no other request was answered while slow upload #${slow.n} trickled`, [slow]);
  }
  return { check: 'hostile requests changed nothing', looked: `${hostile.length} hostile requests` };
}
