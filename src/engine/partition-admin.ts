import { OnhandError } from '../domain/codes.js';
import type { LedgerEntry, Store } from '../store/store.js';
import type { Environments } from './environments.js';
import { jsonSafe } from './event-registry.js';

/** Admin operations on partitions (spec §2.4 rows 25, 30, 31). */
export class PartitionAdmin {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
  ) {}

  /** Partition ids that hold data, sorted. */
  async list(environmentId: string): Promise<string[]> {
    await this.environments.get(environmentId);
    return this.store.listPartitionIds(environmentId);
  }

  /**
   * Deletes all stock of the given partitions (at least one; GET …/allpartitionids lists them). The deletion is
   * recorded in the ledger as one entry per partition whose changes take every value back to zero, so
   * a replay of the ledger still equals the stored state. Unknown partition ids are reported, and
   * nothing is deleted, with partition_not_found.
   */
  async cleanup(
    environmentId: string,
    partitionIds: readonly string[],
  ): Promise<{ deletedPartitions: string[]; deletedRows: number }> {
    await this.environments.get(environmentId);
    if (partitionIds.length === 0) {
      throw new OnhandError(
        'invalid_request',
        'Give at least one partition id; GET …/allpartitionids lists them.',
      );
    }
    const existing = await this.store.listPartitionIds(environmentId);
    const unknown = partitionIds.filter((id) => !existing.includes(id));
    if (unknown.length > 0) {
      throw new OnhandError(
        'partition_not_found',
        `Unknown partition ids: ${unknown.slice(0, 10).join(', ')}.`,
      );
    }
    const targets = [...new Set(partitionIds)];
    const lockKeys = targets.map((id) => `${environmentId}~partition~${id}`);
    return this.store.transaction(lockKeys, async (tx) => {
      const deleted = await tx.deletePartitions(environmentId, targets);
      const recordedAt = this.clock().toISOString();
      const entries: LedgerEntry[] = targets.map((partitionId) => ({
        environmentId,
        partitionId,
        family: 'admin',
        eventId: null,
        bodyHash: '',
        kind: 'partition.cleanup',
        recordedAt,
        request: jsonSafe({ partitionId }),
        outcome: { deletedRows: deleted.filter((row) => row.partitionId === partitionId).length },
        changes: deleted
          .filter((row) => row.partitionId === partitionId && row.quantity !== 0n)
          .map(({ organizationId, productId, dimensions, dataSource, measure, quantity }) => ({
            organizationId,
            productId,
            dimensions,
            dataSource,
            measure,
            delta: -quantity,
          })),
        reference: null,
      }));
      if (entries.length > 0) await tx.appendLedger(entries);
      return { deletedPartitions: targets, deletedRows: deleted.length };
    });
  }
}
