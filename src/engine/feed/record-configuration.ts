import type { StoreTx } from '../../store/store.js';

/**
 * Records a hard update in the ledger, in the transaction that saves it (kind `configuration.updated`, no changes), so that every
 * follower of the change feed learns of it in order and takes a new snapshot: what the published
 * measures mean, and which rows exist, may have changed.
 */
export async function recordConfigurationChange(
  tx: StoreTx,
  environmentId: string,
  version: number,
  clock: () => Date,
): Promise<void> {
  await tx.appendLedger([
    {
      environmentId,
      partitionId: '',
      family: 'admin',
      eventId: null,
      bodyHash: '',
      kind: 'configuration.updated',
      recordedAt: clock().toISOString(),
      request: { configurationVersion: version },
      outcome: { configurationVersion: version },
      changes: [],
      reference: null,
    },
  ]);
}
