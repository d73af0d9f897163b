import { OnhandError } from '../../domain/codes.js';
import { type LocationGraphInput, parseLocationGraph } from '../../domain/oci/location-graph.js';
import { formatQty } from '../../domain/quantity.js';
import type { OciGraphRecord, RecordOutcome, SafetyStockRow } from '../../store/oci/oci-store.js';
import type { Store, StoreTx } from '../../store/store.js';
import {
  decodeOciImport,
  exportOciImports,
  OCI_IMPORT_RECORD_TYPES,
  type OciImportItem,
} from './oci-import-records.js';
import type { RecordReader } from './record-reader.js';
import { TransferError } from './transfer-error.js';

/*
 * The Omnichannel Inventory records of an export file (format.ts; docs/configuration.md), after the
 * reservations and before the ledger: the location graph ("oci-graph", at most one), safety stock
 * ("oci-safety-stock"), product segmentation ("oci-exclusion") and the first outcomes of OCI record
 * ids ("oci-record-outcome"). OCI reservations are IV reservations and ledger entries, exported with
 * them. The availability imports (records, jobs, result lines, unfinished files) follow
 * (oci-import-records.ts); the Impex exports (jobs and files made on demand) are not part of the file.
 */

/** The record types of this section. */
export const OCI_RECORD_TYPES = [
  'oci-graph',
  'oci-safety-stock',
  'oci-exclusion',
  'oci-record-outcome',
  ...OCI_IMPORT_RECORD_TYPES,
] as const;

/** One OCI record, decoded. */
export type OciItem =
  | { readonly kind: 'graph'; readonly record: OciGraphRecord }
  | { readonly kind: 'safety'; readonly row: SafetyStockRow }
  | { readonly kind: 'exclusion'; readonly groupId: string; readonly sku: string }
  | { readonly kind: 'outcome'; readonly outcome: RecordOutcome }
  | OciImportItem;

/** Writes the environment's OCI records through `emit`, page by page; their number. */
export async function exportOci(
  store: Store,
  environmentId: string,
  pageSize: number,
  emit: (records: Record<string, unknown>[]) => Promise<void>,
): Promise<number> {
  let count = 0;
  const send = async (records: Record<string, unknown>[]) => {
    for (let i = 0; i < records.length; i += pageSize) await emit(records.slice(i, i + pageSize));
    count += records.length;
  };
  const graph = await store.oci.getGraph(environmentId);
  if (graph)
    await send([
      {
        type: 'oci-graph',
        version: graph.version,
        updatedAt: graph.updatedAt,
        ivOrganizationId: graph.graph.ivOrganizationId,
        locations: graph.graph.locations,
        groups: graph.graph.groups,
      },
    ]);
  const safety = await store.oci.listSafetyStock(environmentId);
  await send(
    safety.map((r) => ({
      type: 'oci-safety-stock',
      locationId: r.locationId,
      sku: r.sku,
      quantity: formatQty(r.quantity),
    })),
  );
  const exclusions = await store.oci.listExclusions(environmentId);
  await send(exclusions.map((e) => ({ type: 'oci-exclusion', groupId: e.groupId, sku: e.sku })));
  for (let after: { recordId: string; sku: string } | null = null; ; ) {
    const page = await store.oci.listRecordOutcomes(environmentId, after, pageSize);
    await send(page.map((o) => ({ type: 'oci-record-outcome', ...o })));
    const last = page.at(-1);
    if (page.length < pageSize || !last) break;
    after = { recordId: last.recordId, sku: last.sku };
  }
  return count + (await exportOciImports(store, environmentId, pageSize, emit));
}

/** Decodes one OCI record (its type is one of OCI_RECORD_TYPES). */
export function decodeOci(r: RecordReader, type: string): OciItem {
  if ((OCI_IMPORT_RECORD_TYPES as readonly string[]).includes(type)) return decodeOciImport(r, type);
  if (type === 'oci-graph') {
    const input = {
      ivOrganizationId: r.string('ivOrganizationId'),
      locations: r.raw('locations'),
      groups: r.raw('groups'),
    } as unknown as LocationGraphInput;
    if (!Array.isArray(input.locations) || !Array.isArray(input.groups))
      throw new TransferError('"locations" and "groups" of the graph must be arrays.', r.line);
    try {
      const graph = parseLocationGraph(input);
      return {
        kind: 'graph',
        record: { graph, version: r.integer('version', 1), updatedAt: r.string('updatedAt') },
      };
    } catch (error) {
      if (!(error instanceof OnhandError)) throw error;
      throw new TransferError(`the location graph is not valid: ${error.message}`, r.line);
    }
  }
  if (type === 'oci-safety-stock')
    return {
      kind: 'safety',
      row: { locationId: r.string('locationId'), sku: r.string('sku'), quantity: r.quantity('quantity') },
    };
  if (type === 'oci-exclusion')
    return { kind: 'exclusion', groupId: r.string('groupId'), sku: r.string('sku') };
  return {
    kind: 'outcome',
    outcome: {
      recordId: r.string('recordId'),
      sku: r.string('sku'),
      locationId: r.string('locationId'),
      hash: r.string('hash'),
      outcome: r.string('outcome'),
      createdAt: r.string('createdAt'),
    },
  };
}

/** Writes decoded OCI records inside an import's transaction. */
export async function writeOci(
  tx: StoreTx,
  environmentId: string,
  items: readonly OciItem[],
  updatedAt: string,
): Promise<void> {
  for (const item of items) if (item.kind === 'graph') await tx.oci.restoreGraph(environmentId, item.record);
  const safety = items.flatMap((i) => (i.kind === 'safety' ? [i.row] : []));
  if (safety.length > 0) await tx.oci.setSafetyStock(environmentId, safety, updatedAt);
  const exclusions = items.flatMap((i) =>
    i.kind === 'exclusion' ? [{ groupId: i.groupId, sku: i.sku, excluded: true }] : [],
  );
  if (exclusions.length > 0) await tx.oci.changeExclusions(environmentId, exclusions);
  const outcomes = items.flatMap((i) => (i.kind === 'outcome' ? [i.outcome] : []));
  if (outcomes.length > 0) await tx.oci.restoreRecordOutcomes(environmentId, outcomes);
}
