import { expect } from 'vitest';
import type { ScheduleRow, Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, entry, environment, gate, OTHER, row, scheduled, settle } from './fixtures.js';
import { exportOrder, scheduleCalls, sortBy, UNICODE } from './schedule-fixtures.js';

/**
 * The conformance tests of on-hand change schedules as partitions and environments come and go (deleted
 * with their partitions, counted by hasStock and listPartitionIds, removed by deleteOrphanedData), in
 * ledger changes, and in transactions; part of describeStoreConformance (conformance.ts), which calls
 * this inside its describe block. `current` returns the migrated store of the running test.
 */
export function describeScheduleLifecycleConformance(test: DefineTest, current: () => Store): void {
  const { writeSchedule, deletePartitionSchedules, everything, allPages } = scheduleCalls(current);

  test('deletePartitionSchedules deletes and returns the scheduled changes of the named partitions only', async () => {
    const store = current();
    const inA = [
      scheduled({ partitionId: 'A' }),
      scheduled({ partitionId: 'A', date: '2024-06-09', quantity: -1n }),
    ];
    const inB = [scheduled({ partitionId: 'B', productId: 'p0' })];
    const inC = [scheduled({ partitionId: 'C' })];
    await writeSchedule(ENV, [...inC, ...inB, ...inA]);
    await writeSchedule(OTHER, inA);
    await store.transaction(['k'], (tx) => tx.writeRows(ENV, [row({ partitionId: 'A' })]));
    expect(await deletePartitionSchedules(ENV, [])).toEqual([]);
    expect(await deletePartitionSchedules(ENV, ['A', 'B', 'missing'])).toEqual(
      sortBy([...inA, ...inB], exportOrder),
    );
    expect(await allPages(ENV, 10)).toEqual(inC);
    expect(await allPages(OTHER, 10)).toEqual(inA);
    expect(await store.readStock(ENV, { organizationIds: ['org1'] })).toEqual([row({ partitionId: 'A' })]);
    // Deleting a partition's stock leaves its scheduled changes alone.
    await store.transaction(['k'], (tx) => tx.deletePartitions(ENV, ['A', 'C']));
    expect(await allPages(ENV, 10)).toEqual(inC);
  });

  test('hasStock and listPartitionIds count partitions that hold only scheduled changes', async () => {
    const store = current();
    await writeSchedule(ENV, [
      scheduled({ partitionId: 'b' }),
      scheduled({ partitionId: 'a', productId: 'p2' }),
    ]);
    expect(await store.hasStock(ENV)).toBe(true);
    expect(await store.listPartitionIds(ENV)).toEqual(['a', 'b']);
    await store.transaction(['k'], (tx) =>
      tx.writeRows(ENV, [row({ partitionId: 'c' }), row({ partitionId: 'b' })]),
    );
    expect(await store.listPartitionIds(ENV)).toEqual(['a', 'b', 'c']);
    await deletePartitionSchedules(ENV, ['a', 'b']);
    expect(await store.listPartitionIds(ENV)).toEqual(['b', 'c']);
    await store.transaction(['k'], (tx) => tx.deletePartitions(ENV, ['b', 'c']));
    expect(await store.hasStock(ENV)).toBe(false);
    expect(await store.listPartitionIds(ENV)).toEqual([]);
    await writeSchedule(ENV, [UNICODE]);
    expect(await store.listPartitionIds(ENV)).toEqual([UNICODE.partitionId]);
    expect(await store.hasStock(OTHER)).toBe(false);
  });

  test('deleteOrphanedData removes the scheduled changes of an environment id without a record', async () => {
    const store = current();
    await store.saveEnvironment(environment({ environmentId: OTHER }));
    await writeSchedule(ENV, [scheduled(), UNICODE]);
    await writeSchedule(OTHER, [scheduled()]);
    expect(await store.deleteOrphanedData(OTHER)).toBe(false);
    expect(await store.deleteOrphanedData(ENV)).toBe(true);
    expect(await store.hasStock(ENV)).toBe(false);
    expect(await allPages(ENV, 10)).toEqual([]);
    expect(await allPages(OTHER, 10)).toEqual([scheduled()]);
  });

  test('a ledger change with a date reads back with it; one without reads back without', async () => {
    const dated = { ...entry().changes[0]!, date: '2024-06-01', delta: -2_500_001n };
    const plain = entry().changes[1]!;
    const [seq] = await current().transaction(['k'], (tx) =>
      tx.appendLedger([entry({ changes: [dated, plain], reference: 'sched-1' })]),
    );
    const [read] = await current().readLedger(ENV, 0, 10);
    expect(read).toEqual({ ...entry({ changes: [dated, plain], reference: 'sched-1' }), seq });
    expect(read?.changes[0]?.date).toBe('2024-06-01');
    expect(read?.changes[1]).not.toHaveProperty('date');
    expect((await current().readLedgerByReference(ENV, 'sched-1', 10))[0]?.changes).toEqual([dated, plain]);
  });

  test('scheduled changes are invisible until their transaction commits, and gone when it rolls back', async () => {
    const store = current();
    await writeSchedule(ENV, [scheduled()]);
    const [written, release] = [gate(), gate()];
    let inside: ScheduleRow[] = [];
    const done = settle(
      store.transaction(['k'], async (tx) => {
        await tx.writeScheduleRows(ENV, [scheduled({ quantity: 0n }), scheduled({ partitionId: 'new' })]);
        inside = await tx.readScheduleRows(ENV, [scheduled()]);
        written.open();
        await release.opened;
        throw new Error('abort');
      }),
    );
    await written.opened;
    const seen = await settle(
      Promise.all([
        everything(ENV),
        store.listPartitionIds(ENV),
        store.exportSchedule(ENV, null, 10),
        store.listScheduleScopes(ENV, '2099-01-01', 10),
      ]),
    );
    release.open(); // before asserting, so a failure cannot leave the transaction open
    const scope = { organizationId: 'org1', productId: 'p1', partitionId: 'org1~s1~l1' };
    expect(inside).toEqual([scheduled({ partitionId: 'new' })]);
    expect(seen).toEqual({ ok: true, value: [[scheduled()], ['org1~s1~l1'], [scheduled()], [scope]] });
    expect(await done).toMatchObject({ ok: false, error: { message: 'abort' } });
    expect(await everything(ENV)).toEqual([scheduled()]);
    expect(await store.listPartitionIds(ENV)).toEqual(['org1~s1~l1']);
  });
}
