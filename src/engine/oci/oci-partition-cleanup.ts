import type { PartitionRule } from '../../domain/config/compiled-configuration.js';
import { canonicalDimensions, LOCATION, SITE } from '../../domain/dimensions.js';
import { ivPlaceOf } from '../../domain/oci/location-graph.js';
import { lockKeyOf, partitionIdOf } from '../../domain/partition.js';
import type { OciStore, SafetyStockRow } from '../../store/oci/oci-store.js';
import type { LedgerEntry, StoreTx } from '../../store/store.js';
import { OCI_FAMILY, SAFETY_STOCK_KIND } from './oci-entries.js';

/** A safety stock row of a partition being deleted, with the partition and the lock key its writes take. */
export interface PartitionSafety {
  readonly row: SafetyStockRow;
  readonly partitionId: string;
  readonly lockKey: string;
}

/** Where safety stock is read from: the store (committed data) or a transaction (StoreTx.oci). */
export type SafetyReader = Pick<OciStore, 'getGraph' | 'listSafetyStock'>;

/**
 * The OCI safety stock that lives in the given IV partitions (docs/oci.md, "Locations and groups": a
 * location stands for an IV place, and its SKU's safety stock for the SKU at that place), read before
 * a partition clean-up from the store (for its lock keys) and again inside its transaction, from
 * `tx.oci` (on the transaction's own connection, under its keys, with the graph held), which deletes it
 * with the partition's stock (PartitionAdmin.cleanup). The location graph, product segmentation and
 * record outcomes are not partition data: they stay.
 */
export async function safetyInPartitions(
  oci: SafetyReader,
  environmentId: string,
  rule: PartitionRule,
  partitionIds: readonly string[],
): Promise<PartitionSafety[]> {
  const record = await oci.getGraph(environmentId);
  if (!record) return [];
  const targets = new Set(partitionIds);
  const locations = new Map(record.graph.locations.map((l) => [l.id, ivPlaceOf(record.graph, l)]));
  const out: PartitionSafety[] = [];
  for (const row of await oci.listSafetyStock(environmentId)) {
    const iv = locations.get(row.locationId);
    if (!iv) continue;
    const place = canonicalDimensions([
      [SITE, iv.siteId],
      [LOCATION, iv.locationId],
    ]);
    const partitionId = partitionIdOf(rule, iv.organizationId, row.sku, place);
    if (!targets.has(partitionId)) continue;
    out.push({
      row,
      partitionId,
      lockKey: lockKeyOf(environmentId, iv.organizationId, row.sku, partitionId),
    });
  }
  return out;
}

/**
 * Deletes that safety stock inside the clean-up's transaction, with one `oci.safetystock` entry per row
 * (quantity 0), so get-deltas and every other follower of the feed see it go.
 */
export async function clearPartitionSafety(
  tx: StoreTx,
  environmentId: string,
  items: readonly PartitionSafety[],
  recordedAt: string,
): Promise<void> {
  if (items.length === 0) return;
  await tx.oci.setSafetyStock(
    environmentId,
    items.map((i) => ({ ...i.row, quantity: 0n })),
    recordedAt,
  );
  const entries: LedgerEntry[] = items.map((i) => ({
    environmentId,
    partitionId: i.partitionId,
    family: OCI_FAMILY,
    eventId: null,
    bodyHash: '',
    kind: SAFETY_STOCK_KIND,
    recordedAt,
    request: { rows: [{ locationId: i.row.locationId, sku: i.row.sku, quantity: '0' }] },
    outcome: null,
    changes: [],
    reference: null,
  }));
  await tx.appendLedger(entries);
}
