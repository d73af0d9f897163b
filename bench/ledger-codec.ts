import { entryTexts, toFeedRecord } from '../src/store/ledger-codec.js';
import type { LedgerEntry } from '../src/store/store.js';

/*
 * CPU of the ledger's codec per entry, by format (docs/benchmarks.md): encoding an entry of W1's shape
 * into the texts a backend stores (what every write pays), and decoding a stored row into a feed entry
 * (what every feed read, ledger read and retry lookup pays). In-process, no database.
 * Usage: npx tsx bench/ledger-codec.ts [entries, default 50000]
 */
const count = Number(process.argv[2] ?? 50_000);
const dims = { colorid: 'red', locationid: '11', siteid: '1' };

function entry(i: number): LedgerEntry {
  const place = { organizationId: 'usmf', productId: `P${i % 5000}`, dimensions: dims };
  return {
    environmentId: 'w1',
    partitionId: 'usmf~1~11',
    family: 'onhand',
    eventId: `PO-${i}`,
    bodyHash: 'x'.repeat(43),
    kind: 'onhand.change',
    recordedAt: '2026-12-03T00:00:00.000Z',
    request: {
      kind: 'onhand.change',
      eventId: `PO-${i}`,
      ...place,
      partitionId: 'usmf~1~11',
      values: [{ dataSource: 'pos', measure: 'inbound', value: '3' }],
      countedAt: null,
    },
    outcome: { id: `PO-${i}`, status: 'success', message: '' },
    changes: [{ ...place, dataSource: 'pos', measure: 'inbound', delta: 3_000_000n }],
    reference: null,
    clientId: 'bench',
  };
}

for (const format of [1, 2, 1, 2] as const) {
  const entries = Array.from({ length: count }, (_, i) => entry(i));
  const t0 = performance.now();
  const texts = entries.map((e) => entryTexts(e, format));
  const encode = ((performance.now() - t0) * 1000) / count;
  const rows = entries.map((e, i) => ({
    seq: i,
    environment_id: e.environmentId,
    partition_id: e.partitionId,
    family: e.family,
    event_id: e.eventId,
    body_hash: e.bodyHash,
    kind: e.kind,
    recorded_at: e.recordedAt,
    request: texts[i]?.request ?? 'null',
    outcome: texts[i]?.outcome ?? 'null',
    changes: texts[i]?.changes ?? '[]',
    reference: null,
    client_id: 'bench',
    format: texts[i]?.format ?? null,
    position: i,
    fed_at: e.recordedAt,
  }));
  const t1 = performance.now();
  for (const row of rows) toFeedRecord(row);
  const decode = ((performance.now() - t1) * 1000) / count;
  console.log(
    `format ${format}: encode ${encode.toFixed(2)} µs per entry, decode ${decode.toFixed(2)} µs per entry`,
  );
}
