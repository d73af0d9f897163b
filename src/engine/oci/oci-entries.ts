import { createHash } from 'node:crypto';
import { formatQty } from '../../domain/quantity.js';
import type { ExclusionChange, SafetyStockRow } from '../../store/oci/oci-store.js';
import type { Store, StoreTx } from '../../store/store.js';

/** The ledger family of OCI entries (event ids are unique per environment and family). */
export const OCI_FAMILY = 'oci';
/** Ledger kind of a safety stock change: `request` is `{ rows: [{ locationId, sku, quantity }] }`. */
export const SAFETY_STOCK_KIND = 'oci.safetystock';
/**
 * Ledger kind of a location graph replacement (environment-wide, no changes): `request` is
 * `{ ociGraphVersion, locations, groups }`, `reference` `graph-{version}`. Followers of OCI
 * availability (by location or group) take a new snapshot, as after configuration.updated; IV
 * availability does not depend on the graph, so the SDK cache and the read views go on.
 */
export const GRAPH_KIND = 'oci.graph';
/** Ledger kind of a product segmentation change: `request` is `{ changes: [{ groupId, sku, excluded }] }`. */
export const SEGMENTATION_KIND = 'oci.segmentation';

/**
 * Sets safety stock of one SKU at one OCI location inside the caller's transaction, with the ledger
 * entry that records it (partition: the location's IV place). The entry changes no stock value
 * (`changes` is empty); the change feed carries it, so get-deltas sees safety stock changes. An entry
 * already recorded under `eventId` (a retry) changes nothing.
 */
export async function appendSafetyStock(
  tx: StoreTx,
  environmentId: string,
  partitionId: string,
  part: { row: SafetyStockRow; eventId: string; recordedAt: string; clientId: string | null },
): Promise<void> {
  const { row, eventId, recordedAt, clientId } = part;
  const seen = await tx.findEvents(environmentId, OCI_FAMILY, [eventId]);
  if (seen.size > 0) return;
  const request = { rows: [{ locationId: row.locationId, sku: row.sku, quantity: formatQty(row.quantity) }] };
  await tx.oci.setSafetyStock(environmentId, [row], recordedAt);
  await tx.appendLedger([
    {
      environmentId,
      partitionId,
      family: OCI_FAMILY,
      eventId,
      bodyHash: hashOf(request),
      kind: SAFETY_STOCK_KIND,
      recordedAt,
      request,
      outcome: null,
      changes: [],
      reference: null,
      clientId,
    },
  ]);
}

/**
 * Applies product segmentation changes in one transaction with the ledger entry that records them
 * (environment-wide: partition ""), so get-deltas sees the group records they change.
 */
export async function writeSegmentationEntry(
  store: Store,
  environmentId: string,
  changes: readonly ExclusionChange[],
  recordedAt: string,
  clientId: string | null,
): Promise<void> {
  if (changes.length === 0) return;
  const request = { changes: changes.map((c) => ({ ...c })) };
  await store.transaction([`${environmentId}~oci~segmentation`], async (tx) => {
    await tx.oci.changeExclusions(environmentId, changes);
    await tx.appendLedger([
      {
        environmentId,
        partitionId: '',
        family: OCI_FAMILY,
        eventId: null,
        bodyHash: hashOf(request),
        kind: SEGMENTATION_KIND,
        recordedAt,
        request,
        outcome: null,
        changes: [],
        reference: null,
        clientId,
      },
    ]);
  });
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
