import { expect } from 'vitest';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import { dimensionsKey } from '../../src/domain/dimensions.js';
import { MAX_STORED_QTY } from '../../src/domain/quantity.js';
import { exportEnvironment } from '../../src/engine/transfer/export-environment.js';
import { importEnvironment } from '../../src/engine/transfer/import-environment.js';
import type {
  LedgerRecord,
  ReservationRecord,
  ScheduleRow,
  StockCursor,
  StockRow,
  Store,
} from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, entry, environment, keyOf, OTHER, reservation, row, scheduled, UNIT } from './fixtures.js';

/**
 * The conformance tests of export and import support (exportStock, exportReservations,
 * deleteOrphanedData, and a whole export and import through engine/transfer), part of describeStoreConformance (conformance.ts), which calls this inside its
 * describe block. `current` returns the migrated store of the running test.
 */
export function describeTransferConformance(test: DefineTest, current: () => Store): void {
  const write = (env: string, rows: readonly StockRow[], records: readonly ReservationRecord[] = []) =>
    current().transaction(['k'], async (tx) => {
      await tx.writeRows(env, rows);
      await tx.writeReservations(env, records);
    });

  /** Every page of exportStock, `limit` rows at a time, checking each page's size. */
  const allStock = async (env: string, limit: number) => {
    const rows: StockRow[] = [];
    let after: StockCursor | null = null;
    for (;;) {
      const page = await current().exportStock(env, after, limit);
      expect(page.length).toBeLessThanOrEqual(limit);
      rows.push(...page);
      if (page.length < limit) return rows;
      after = page[page.length - 1] ?? null;
    }
  };

  const allReservations = async (env: string, limit: number) => {
    const records: ReservationRecord[] = [];
    let afterId: string | null = null;
    for (;;) {
      const page = await current().exportReservations(env, afterId, limit);
      expect(page.length).toBeLessThanOrEqual(limit);
      records.push(...page);
      if (page.length < limit) return records;
      afterId = page[page.length - 1]?.reservationId ?? null;
    }
  };

  test('exportStock pages through every row of one environment in key order, partition first', async () => {
    const rows = exportDataset();
    await write(ENV, rows);
    await write(OTHER, [row({ organizationId: 'org0', partitionId: 'a' }), row({ partitionId: 'zz' })]);
    const expected = [...rows].sort(compareExportKeys);
    for (const limit of [1, 7, rows.length, rows.length + 1, 1000])
      expect(await allStock(ENV, limit)).toEqual(expected);
    expect(await current().exportStock(ENV, expected.at(-1) ?? null, 10)).toEqual([]);
    expect(await current().exportStock('nobody', null, 10)).toEqual([]);
  });

  test('exportStock resumes after a cursor whose key is not stored any more', async () => {
    const rows = exportDataset();
    await write(ENV, rows);
    const sorted = [...rows].sort(compareExportKeys);
    const gone = { ...sorted[4]!, measure: `${sorted[4]!.measure}-0` };
    expect(await current().exportStock(ENV, gone, 3)).toEqual(sorted.slice(5, 8));
  });

  test('exportReservations pages through every reservation of one environment in id order', async () => {
    const ids = ['r10', 'r2', 'a', 'r1', 'b-released', 'c-expired', 'r3', 'z'];
    const records = ids.map((reservationId, i) =>
      reservation({
        reservationId,
        remaining: reservationId.includes('-') ? 0n : BigInt(i) * UNIT + 1n,
        status: reservationId.endsWith('released')
          ? 'released'
          : reservationId.endsWith('expired')
            ? 'expired'
            : 'open',
        expiresAt: i % 2 === 0 ? null : '2024-06-01T00:00:00.000Z',
      }),
    );
    await write(ENV, [], records);
    await write(OTHER, [], [reservation({ reservationId: 'a0' }), reservation({ reservationId: 'r15' })]);
    const expected = [...records].sort((a, b) => (a.reservationId < b.reservationId ? -1 : 1));
    for (const limit of [1, 3, ids.length, 100]) expect(await allReservations(ENV, limit)).toEqual(expected);
    expect(await current().exportReservations(ENV, 'r15', 10)).toEqual(expected.slice(-3));
    expect(await current().exportReservations('nobody', null, 10)).toEqual([]);
  });

  test('an export imports into a new id with every stock row, scheduled value, reservation and ledger change', async () => {
    const store = current();
    // Positions are stamped by the feed's sequencer (PostgreSQL); the export's ledger ends at its snapshot's.
    await store.feed.start();
    await store.saveEnvironment(environment({ configuration: defaultConfiguration(ENV) }));
    // Placed as the live write path places them (partition = organization~site~location), and accounted
    // for by the ledger (the import replays it against the stock).
    const stock = placedDataset();
    const schedule: ScheduleRow[] = [
      scheduled(),
      scheduled({ date: '2024-02-29', quantity: -123456789012345678n }),
      scheduled({ date: '2024-06-02', quantity: 1n, measure: 'outbound' }),
      scheduled({
        partitionId: 'Zürich 店~~',
        organizationId: 'Zürich 店',
        productId: '🚲',
        dimensions: { colorid: 'rot' },
      }),
      scheduled({ date: '9999-12-31', quantity: 123456789012345678n }),
    ];
    await write(ENV, stock, [
      reservation(),
      reservation({ reservationId: 'r2', remaining: 0n, status: 'released' }),
    ]);
    const changesOf = (rows: readonly (StockRow | ScheduleRow)[]) =>
      rows.map((r) => ({ ...keyOf(r), delta: r.quantity, ...('date' in r ? { date: r.date } : {}) }));
    await store.transaction(['k'], async (tx) => {
      await tx.writeScheduleRows(ENV, schedule);
      await tx.appendLedger([
        entry({ changes: changesOf(stock) }),
        entry({ eventId: 'e2', kind: 'schedule.change', changes: changesOf(schedule) }),
      ]);
    });
    let text = '';
    const summary = await exportEnvironment(
      store,
      ENV,
      (chunk) => {
        text += chunk;
      },
      { pageSize: 2 },
    );
    const counts = { stock: stock.length, schedule: schedule.length, reservations: 2, oci: 0, ledger: 2 };
    expect(summary).toEqual({ ...counts, position: await store.feed.head() });
    async function* lines() {
      yield* text.split('\n');
    }
    expect(await importEnvironment(store, lines, { environmentId: 'moved', batchSize: 3 })).toEqual({
      environmentId: 'moved',
      counts,
    });

    const everything = async (env: string) => ({
      stock: await allStock(env, 1000),
      schedule: await store.exportSchedule(env, null, 1000),
      reservations: await allReservations(env, 1000),
      ledger: (await store.readLedger(env, 0, 1000)).map(
        ({ seq: _, environmentId: __, ...rest }: LedgerRecord) => rest,
      ),
    });
    const [before, after] = [await everything(ENV), await everything('moved')];
    expect(before.schedule).toHaveLength(schedule.length);
    expect(before.ledger[1]?.changes[0]?.date).toBe('2024-06-01');
    expect(before.ledger[0]?.changes[0]).not.toHaveProperty('date');
    expect(after).toEqual(before);
    expect(await store.readSchedule('moved', { organizationIds: ['org1', 'Zürich 店'] }, null)).toEqual(
      await store.readSchedule(ENV, { organizationIds: ['org1', 'Zürich 店'] }, null),
    );
  });

  test('deleteOrphanedData removes the data of an environment id without a record, and only that', async () => {
    const store = current();
    await store.saveEnvironment(environment({ environmentId: OTHER }));
    for (const env of [ENV, OTHER]) {
      await write(env, [row()], [reservation()]);
      await store.transaction(['k'], (tx) => tx.appendLedger([entry({ environmentId: env })]));
    }
    expect(await store.deleteOrphanedData(OTHER)).toBe(false);
    expect(await store.deleteOrphanedData(ENV)).toBe(true);
    expect(await store.hasStock(ENV)).toBe(false);
    expect(await store.exportReservations(ENV, null, 10)).toEqual([]);
    expect(await store.readLedger(ENV, 0, 10)).toEqual([]);
    expect(await store.hasStock(OTHER)).toBe(true);
    expect(await store.getReservation(OTHER, 'r1')).toEqual(reservation());
    expect(await store.readLedger(OTHER, 0, 10)).toHaveLength(1);
    // The event id is free again in the cleaned environment.
    await store.transaction(['k'], (tx) => tx.appendLedger([entry()]));
    expect(await store.deleteOrphanedData('nobody')).toBe(true);
  });

  test('deleteOrphanedData deletes what else is keyed by the id too: its feed followers, spans and tickets, webhooks, jobs', async () => {
    const store = current();
    await store.saveEnvironment(environment({ environmentId: OTHER }));
    const place = { partitionId: 'p', organizationId: 'org1', productId: 'p1', dimensions: {} };
    const span = {
      ...place,
      dataSource: 'pos',
      measure: 'in',
      date: null,
      delta: 1n,
      created: true,
      span: 0,
    };
    for (const env of [ENV, OTHER]) {
      await store.feed.saveFollowerPosition(env, 'checkpoints', 3);
      await store.feed.writeSpan(env, 0, [span]);
      const expiresAt = '2999-01-01T00:00:00.000Z';
      await store.feed.saveTicket({ ticketHash: `t-${env}`, environmentId: env, clientId: 'c', expiresAt });
      const hook = { url: 'https://example.com/hook', filters: {}, description: null, enabled: true };
      await store.webhooks.create(
        { environmentId: env, webhookId: 'w1', ...hook, sealedSecret: 's', createdAt: 'x' },
        0,
      );
      await store.jobs.create({ environmentId: env, jobId: 'j1', kind: 'K', request: {}, createdAt: 'x' });
    }
    const left = async (env: string) => ({
      follower: await store.feed.followerPosition(env, 'checkpoints'),
      spans: (await store.feed.readSpans(env, { organizationIds: ['org1'] }, 0, 0)).length,
      ticket: (await store.feed.takeTicket(`t-${env}`, '2000-01-01T00:00:00.000Z'))?.environmentId,
      webhooks: (await store.webhooks.list(env)).length,
      job: (await store.jobs.get(env, 'j1'))?.jobId,
    });
    expect(await store.deleteOrphanedData(ENV)).toBe(true);
    expect(await left(ENV)).toEqual({
      follower: undefined,
      spans: 0,
      ticket: undefined,
      webhooks: 0,
      job: undefined,
    });
    expect(await left(OTHER)).toEqual({ follower: 3, spans: 1, ticket: OTHER, webhooks: 1, job: 'j1' });
  });
}

/** Rows over three partitions, two organizations and products, several tuples; in no useful order. */
function exportDataset(): StockRow[] {
  const rows: StockRow[] = [];
  for (const partitionId of ['p~2', 'p~10', 'p~1']) {
    for (const organizationId of ['org2', 'org1']) {
      for (const [i, dimensions] of [{}, { siteid: 's1' }, { colorid: 'red', siteid: 's1' }].entries()) {
        const base = { partitionId, organizationId, dimensions, quantity: BigInt(i) * UNIT - 1n };
        rows.push(row({ ...base, productId: 'p2', dataSource: 'pos', measure: 'outbound' }));
        rows.push(row({ ...base, productId: 'p1', dataSource: 'fno', measure: 'arrived', countedAt: 'x' }));
      }
    }
  }
  return rows;
}

/** Rows as the live write path places them (partition by organization, site and location), extremes included. */
function placedDataset(): StockRow[] {
  const rows: StockRow[] = [];
  for (const [site, location] of [
    ['s2', 'l1'],
    ['s1', 'l10'],
    ['s1', 'l1'],
  ]) {
    for (const organizationId of ['org2', 'org1']) {
      const partitionId = `${organizationId}~${site}~${location}`;
      for (const [i, extra] of [{}, { colorid: 'red' }].entries()) {
        const dimensions = { ...extra, locationid: location ?? '', siteid: site ?? '' };
        const base = { partitionId, organizationId, dimensions, quantity: BigInt(i) * UNIT - 1n };
        rows.push(row({ ...base, productId: 'p2', dataSource: 'pos', measure: 'outbound' }));
        rows.push(row({ ...base, productId: 'p1', dataSource: 'fno', measure: 'arrived', countedAt: 'x' }));
      }
    }
  }
  rows.push(
    row({ productId: 'max', quantity: MAX_STORED_QTY }),
    row({ productId: 'min', quantity: -MAX_STORED_QTY }),
  );
  return rows;
}

/** The export order (ids here are ASCII, so byte order = JS order). */
function compareExportKeys(a: StockRow, b: StockRow): number {
  const key = (r: StockRow) => [
    r.partitionId,
    r.organizationId,
    r.productId,
    dimensionsKey(r.dimensions),
    r.dataSource,
    r.measure,
  ];
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < x.length; i++) {
    const [p, q] = [x[i] ?? '', y[i] ?? ''];
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
