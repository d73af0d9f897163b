import type { HistoryRecord, ItemOutcome } from '../history.js';
import { type CheckResult, canonical, type LedgerEntry, type Observed } from './model.js';

const FIRST = 'each OCI retry answered with its first outcome';
const ACCEPTED = new Set(['success', 'partialSuccess']);

/**
 * OCI's idempotency promises (docs/oci.md, "Reservations" and "Decisions"): a reservation id sent again
 * with the same body answers the first answer again, which is what the ledger recorded for it, and never
 * `oci_reservation_exists`; a release, fulfilment or transfer record applied once answers success again
 * (no attempt sent after one was acknowledged is told it failed); a cancel answered 409
 * `oci_reservation_cancelled` was cancelled (the ledger holds its cancel). That every acknowledged OCI write
 * is in the ledger is the general check's (their families are `oci-…`).
 */
export function checkOciFirstOutcome(o: Observed): CheckResult {
  const entries = new Map<string, LedgerEntry>();
  for (const e of o.ledger) if (e.eventId !== null) entries.set(`${e.family}:${e.eventId}`, e);
  const ackedAt = new Map<string, number>();
  let compared = 0;
  const items: [HistoryRecord, ItemOutcome][] = [];
  for (const r of o.history)
    if (r.family?.startsWith('oci-') && r.hostile === undefined)
      for (const i of r.items ?? []) items.push([r, i]);
  items.sort((a, b) => a[0].sentAt - b[0].sentAt);
  for (const [record, item] of items) {
    const key = `${record.family}:${item.id}`;
    const entry = entries.get(key);
    const fail = (message: string): CheckResult => ({
      check: FIRST,
      looked: `${compared} answers`,
      violation: {
        check: FIRST,
        message: `${key}: ${message} (history #${record.n})`,
        evidence: [
          ...(entry ? [entry] : []),
          ...o.history.filter((r) => r.items?.some((i) => i.id === item.id)),
        ],
      },
    });
    compared++;
    if (record.family === 'oci-reserve') {
      if (item.code === 'oci_reservation_exists')
        return fail('a retry with its own body was answered oci_reservation_exists');
      if (ACCEPTED.has(item.status) && entry && item.detail !== canonical(entry.outcome))
        return fail(`answered ${item.detail}; its first outcome is ${canonical(entry.outcome)}`);
      continue;
    }
    if (record.family === 'oci-cancel') {
      if (item.code === 'oci_reservation_cancelled' && !entry)
        return fail('answered oci_reservation_cancelled but the ledger holds no cancel');
      continue;
    }
    const acked = ackedAt.get(key);
    if (acked !== undefined && record.sentAt > acked && !ACCEPTED.has(item.status))
      return fail(`answered ${item.code ?? item.status} after it was acknowledged`);
    if (ACCEPTED.has(item.status) && acked === undefined) ackedAt.set(key, record.doneAt);
  }
  return { check: FIRST, looked: `${compared} answers` };
}
