import { lockKeyOf } from '../../domain/partition.js';
import type { ScheduleDate } from '../../domain/schedule/schedule-date.js';
import type { LedgerChange, ScheduleScope, Store } from '../../store/store.js';
import { jsonSafe } from '../event-registry.js';
import { ScheduleState } from './schedule-state.js';

/** How one scope's due schedules end: committed to stock, or lapsed (dropped). */
export type RolloverMode = 'commit' | 'lapse';

/**
 * Ends the scheduled changes of one product inside one partition dated before `beforeDate`, in one
 * transaction holding the product's write lock key (the key of its writes, so no write of the product
 * interleaves, in this process or another). `commit` adds each one to actual stock (the Onhand
 * extension commitScheduledChanges); `lapse` drops them (the vendor's rule: an uncommitted schedule for
 * a past date no longer counts). The rows are deleted in the same transaction, which is what makes a
 * scheduled change become actual exactly once, whichever process or sweep gets there first.
 * Appends one ledger entry (schedule.commit or schedule.lapse) with the changes; returns how many
 * scheduled values ended (0 when another sweep was first).
 */
export async function rollOverScope(
  store: Store,
  environmentId: string,
  scope: ScheduleScope,
  beforeDate: ScheduleDate,
  mode: RolloverMode,
  recordedAt: string,
): Promise<number> {
  const lockKey = lockKeyOf(environmentId, scope.organizationId, scope.productId, scope.partitionId);
  return store.transaction([lockKey], async (tx) => {
    const rows = await tx.readProductSchedule(
      environmentId,
      scope.organizationId,
      scope.productId,
      scope.partitionId,
    );
    const due = rows.filter((row) => row.date < beforeDate);
    if (due.length === 0) return 0;
    const changes: LedgerChange[] = [];
    for (const { partitionId: _, quantity, ...key } of due) {
      changes.push({ ...key, delta: -quantity });
      if (mode === 'commit') {
        const { date: __, ...stockKey } = key;
        changes.push({ ...stockKey, delta: quantity });
      }
    }
    const stockKeys = changes.filter((c) => c.date === undefined);
    const stock =
      stockKeys.length > 0 ? await tx.readRows(environmentId, stockKeys, [scope.partitionId]) : [];
    const state = ScheduleState.of(environmentId, due, stock);
    const recorded = state.stage(scope.partitionId, changes, (c) => `/${c.dataSource}/${c.measure}`);
    await state.flush(tx);
    await tx.appendLedger([
      {
        environmentId,
        partitionId: scope.partitionId,
        family: 'schedule',
        eventId: null,
        bodyHash: '',
        kind: mode === 'commit' ? 'schedule.commit' : 'schedule.lapse',
        recordedAt,
        request: jsonSafe({ ...scope, before: beforeDate }),
        outcome: { ended: due.length },
        changes: recorded,
        reference: null,
      },
    ]);
    return due.length;
  });
}
