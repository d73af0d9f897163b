import { fail } from '../../domain/codes.js';
import { checkSku } from '../../domain/oci/oci-ids.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { writeSegmentationEntry } from './oci-entries.js';
import type { OciGraphs } from './oci-graphs.js';

/** A product segmentation body (spec §2.5) as it arrives, after schema validation. */
export interface SegmentationInput {
  readonly groups: readonly { groupId: string; mode: 'APPEND' | 'DELETE'; skus: readonly string[] }[];
}

const GROUP_OR_ALL = /^[*a-zA-Z0-9_-]{1,128}$/;
/** Most (group, SKU) pairs one request changes. */
export const MAX_SEGMENTATIONS = 10_000;

/**
 * Product segmentation (spec §2.5, docs/oci.md): SKUs excluded from groups. An excluded SKU is not
 * sold from the group: its group record answers atf and ato 0 (the other quantities stay the sums of
 * the member locations). `APPEND` adds exclusions, `DELETE` removes them; groupId `*` means every group
 * of the graph. A pair whose group does not exist is reported and the others applied.
 */
export class OciSegmentation {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly clock: () => Date,
  ) {}

  /** Applies the body; returns the spec's error strings of the pairs not applied. */
  async batch(
    environmentId: string,
    input: SegmentationInput,
    clientId: string | null = null,
  ): Promise<string[]> {
    await this.environments.get(environmentId);
    let pairs = 0;
    input.groups.forEach((g, i) => {
      if (!GROUP_OR_ALL.test(g.groupId))
        fail('invalid_id', `/groups/${i}/groupId`, 'A group id holds letters, digits, "-", "_", or is "*".');
      for (const [j, sku] of g.skus.entries()) checkSku(sku, `/groups/${i}/skus/${j}`);
      pairs += g.skus.length;
    });
    if (pairs > MAX_SEGMENTATIONS)
      fail('too_many_items', '/groups', `At most ${MAX_SEGMENTATIONS} group × SKU pairs per request.`);
    const { graph } = await this.graphs.get(environmentId);
    const known = new Set(graph.groups.map((g) => g.id));
    const changes: { groupId: string; sku: string; excluded: boolean }[] = [];
    const errors: string[] = [];
    for (const g of input.groups) {
      const groupIds = g.groupId === '*' ? [...known] : [g.groupId];
      for (const sku of g.skus) {
        if (g.groupId !== '*' && !known.has(g.groupId)) {
          const verb = g.mode === 'APPEND' ? 'create' : 'delete';
          errors.push(`Failed to ${verb} product segmentation for group id ${g.groupId} and sku ${sku}`);
          continue;
        }
        for (const groupId of groupIds) changes.push({ groupId, sku, excluded: g.mode === 'APPEND' });
      }
    }
    // One transaction with the ledger entry that records it: the change feed carries it (get-deltas).
    await writeSegmentationEntry(this.store, environmentId, changes, this.clock().toISOString(), clientId);
    return errors;
  }

  /** The excluded (group, SKU) pairs among these, as groupSkuKey keys. */
  async excluded(
    environmentId: string,
    groupIds: readonly string[],
    skus: readonly string[],
  ): Promise<Set<string>> {
    const rows = await this.store.oci.readExclusions(environmentId, groupIds, skus);
    return new Set(rows.map((r) => `${r.groupId}\u0000${r.sku}`));
  }
}
