import type { LedgerRowText } from '../../src/store/ledger-codec.js';

/**
 * A ledger row as a read gives it (texts), of environment `e` at `seq`, whose counted texts (request,
 * outcome, changes) have `chars` characters in all: for the tests of what a store keeps of its own
 * commits (sqlite/committed-tail.ts, postgres/feed/committed-commits.ts).
 */
export const ledgerRowText = (seq: number, chars = 3, e = 'env'): LedgerRowText & { seq: number } => ({
  seq,
  environment_id: e,
  partition_id: 'p',
  family: 'onhand',
  event_id: null,
  body_hash: 'h',
  kind: 'onhand.changed',
  recorded_at: '2026-12-04T00:00:00.000Z',
  request: 'r'.repeat(chars - 2),
  outcome: 'o',
  changes: 'c',
  reference: null,
  client_id: null,
});
