import { OnhandError } from '../domain/codes.js';
import type { PartitionRule } from '../domain/config/compiled-configuration.js';
import { lockKeyOf } from '../domain/partition.js';
import type { LedgerEntry, StockRow, Store } from '../store/store.js';
import type { Environments } from './environments.js';
import { jsonSafe } from './event-registry.js';
import {
  clearPartitionSafety,
  type PartitionSafety,
  safetyInPartitions,
} from './oci/oci-partition-cleanup.js';

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
   *
   * Serialisation with writes (design.md rule 1, across processes): the transaction holds the write
   * lock key (engine lockKeyOf) of every product stored in the deleted partitions, besides a key per
   * partition, so no write that read a row before the deletion can write it back afterwards. The
   * products are known before the transaction: from the partition id itself when partitioned by
   * product, from the committed stock of the partition when partitioned by location. A product whose
   * first row appears in between was not locked: the deletion then finds it, rolls back and runs
   * again with its key too. A write to a product that had no row cannot resurrect anything, so it may
   * run before or after the deletion.
   */
  async cleanup(
    environmentId: string,
    partitionIds: readonly string[],
  ): Promise<{ deletedPartitions: string[]; deletedRows: number }> {
    const { partitionRule } = await this.environments.get(environmentId);
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
    const lockKeys = new Set(targets.map((id) => `${environmentId}~partition~${id}`));
    for (const key of await this.writeLockKeys(environmentId, partitionRule, targets)) lockKeys.add(key);
    // OCI safety stock of the SKUs at the OCI locations these partitions hold goes with them: their
    // keys too (read again inside the transaction, which deletes what it reads there).
    for (const { lockKey } of await safetyInPartitions(this.store.oci, environmentId, partitionRule, targets))
      lockKeys.add(lockKey);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deleteHolding(environmentId, partitionRule, targets, lockKeys);
      } catch (error) {
        if (!(error instanceof UnlockedProducts)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw new OnhandError(
            'database_timeout',
            'The partitions kept receiving new products while they were being deleted; try again.',
          );
        }
        for (const key of error.keys) lockKeys.add(key);
      }
    }
  }

  /**
   * Deletes the partitions in one transaction holding `lockKeys`, recording the deletion in the ledger.
   * When a deleted row belongs to a product whose write lock key is not held, nothing is written: it
   * rejects with UnlockedProducts naming the missing keys, so the caller can try again holding them.
   */
  private async deleteHolding(
    environmentId: string,
    rule: PartitionRule,
    targets: readonly string[],
    lockKeys: ReadonlySet<string>,
  ): Promise<{ deletedPartitions: string[]; deletedRows: number }> {
    return this.store.transaction([...lockKeys].sort(), async (tx) => {
      const deleted = await tx.deletePartitions(environmentId, targets);
      const scheduled = await tx.deletePartitionSchedules(environmentId, targets);
      // Safety stock read by the transaction itself, with the keys held (and the graph, so the locations'
      // places stay): no write to a locked SKU is in flight, and one to a SKU not locked that committed
      // before this read is found here (it rolls back and runs again holding its key too); one that
      // commits later was not seen, so it is ordered after the clean-up. Read on the transaction's own
      // connection: a second pool connection while this one is held could wait for ever on a full pool.
      const safety: PartitionSafety[] = await safetyInPartitions(tx.oci, environmentId, rule, targets);
      const unlocked = [
        ...new Set([
          ...[...deleted, ...scheduled].map((row) => writeLockKey(environmentId, row)),
          ...safety.map((item) => item.lockKey),
        ]),
      ].filter((key) => !lockKeys.has(key));
      if (unlocked.length > 0) throw new UnlockedProducts(unlocked);
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
        // Values of zero too: a reader of the ledger learns that the row existed until now (as-of queries).
        changes: [...deleted, ...scheduled]
          .filter((row) => row.partitionId === partitionId)
          .map((row) => ({
            organizationId: row.organizationId,
            productId: row.productId,
            dimensions: row.dimensions,
            dataSource: row.dataSource,
            measure: row.measure,
            delta: -row.quantity,
            ...('date' in row ? { date: row.date } : {}),
          })),
        reference: null,
      }));
      if (entries.length > 0) await tx.appendLedger(entries);
      await clearPartitionSafety(tx, environmentId, safety, recordedAt);
      return { deletedPartitions: [...targets], deletedRows: deleted.length };
    });
  }

  /** The write lock keys of the products stored in the partitions (committed data, read before locking). */
  private async writeLockKeys(
    environmentId: string,
    rule: PartitionRule,
    partitionIds: readonly string[],
  ): Promise<string[]> {
    if (rule === 'byProduct') {
      return partitionIds.flatMap((id) => {
        const [organizationId, productId, ...rest] = id.split('~').map(unescapePart);
        if (organizationId === undefined || productId === undefined || rest.length > 0) return [];
        return [lockKeyOf(environmentId, organizationId, productId, id)];
      });
    }
    const keys: string[] = [];
    for (const id of partitionIds) {
      const [organizationId, siteId, locationId, ...rest] = id.split('~').map(unescapePart);
      if (organizationId === undefined || siteId === undefined || locationId === undefined || rest.length > 0)
        continue;
      const rows = await this.store.readStock(environmentId, {
        organizationIds: [organizationId],
        siteIds: [siteId],
        locationIds: [locationId],
      });
      for (const row of rows) if (row.partitionId === id) keys.push(writeLockKey(environmentId, row));
    }
    return [...new Set(keys)];
  }
}

/** How often a cleanup runs again after finding products it did not lock (see cleanup). */
const MAX_ATTEMPTS = 5;

/** Thrown inside the cleanup transaction to roll it back: it deleted rows of products it did not lock. */
class UnlockedProducts extends Error {
  constructor(readonly keys: string[]) {
    super('cleanup found products it did not lock');
  }
}

/** The lock key a write to this row takes (engine.ts, domain/partition.ts lockKeyOf). */
function writeLockKey(
  environmentId: string,
  row: Pick<StockRow, 'organizationId' | 'productId' | 'partitionId'>,
): string {
  return lockKeyOf(environmentId, row.organizationId, row.productId, row.partitionId);
}

/** Reverses the escaping of one part of a partition id (`%7E` → ~, `%25` → %). */
function unescapePart(part: string): string {
  return part.replace(/%7E|%25/g, (match) => (match === '%7E' ? '~' : '%'));
}
