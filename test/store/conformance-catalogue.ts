import { expect } from 'vitest';
import type { AdjustmentLine } from '../../src/store/adjustments/adjustment-store.js';
import type { ProductRecord } from '../../src/store/catalogue/product-store.js';
import type { Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, OTHER } from './fixtures.js';

/** A product of the catalogue; fields override the defaults. */
export function product(fields: Partial<ProductRecord> = {}): ProductRecord {
  return {
    productId: 'p1',
    productName: 'Deluxe bike',
    productType: 'Item',
    productSearchName: 'BIKE-DLX',
    productDescription: 'A bike, ünïcödé',
    company: 'usmf',
    inventoryUnitSymbol: 'ea',
    salesUnitSymbol: 'ea',
    purchaseUnitSymbol: 'ea',
    attributes: [
      {
        attributeName: 'Weight Limit',
        attributeTypeName: 'PoundDomain',
        attributeArea: 'ProductAttribute',
        value: '370',
      },
    ],
    updatedAt: '2024-05-01T10:00:00.000Z',
    ...fields,
  };
}

/** An adjustment line; fields override the defaults. */
export function line(fields: Partial<AdjustmentLine> = {}): AdjustmentLine {
  return {
    lineId: 'adj-1',
    partitionId: 'org1~s1~l1',
    organizationId: 'org1',
    productId: 'p1',
    dataSource: 'pos',
    measure: 'inbound',
    dimensions: { locationid: 'l1', siteid: 's1' },
    quantity: 1_500_000n,
    externalReferenceCategory: 'journal',
    externalReferenceId: 'J-1',
    fnoJournalNameId: null,
    costPrice: '12.345',
    transDate: '2024-05-01',
    status: 'Created',
    syncStatus: 'Created',
    message: '',
    bodyHash: 'h1',
    request: { id: 'adj-1', quantity: 1.5 },
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
    ...fields,
  };
}

/**
 * The conformance tests of the product catalogue, background jobs and adjustment lines (store.products,
 * store.jobs, store.adjustments), part of describeStoreConformance.
 */
export function describeCatalogueConformance(test: DefineTest, current: () => Store): void {
  test('products are stored whole, replaced by id, paged in id order and kept per environment', async () => {
    const store = current();
    const [a, b, c] = [
      product({ productId: 'b' }),
      product({ productId: 'a', attributes: [] }),
      product({ productId: 'c' }),
    ];
    await store.products.upsert(ENV, [a, b, c]);
    await store.products.upsert(OTHER, [product({ productId: 'a', productName: 'other' })]);
    const renamed = product({
      productId: 'b',
      productName: 'Renamed',
      updatedAt: '2024-06-01T00:00:00.000Z',
    });
    await store.products.upsert(ENV, [product({ productId: 'b', productName: 'first' }), renamed]);
    expect(await store.products.get(ENV, 'b')).toEqual(renamed);
    expect(await store.products.get(ENV, 'zz')).toBeUndefined();
    expect(await store.products.list(ENV, null, 2)).toEqual([b, renamed]);
    expect(await store.products.list(ENV, 'b', 2)).toEqual([c]);
    expect((await store.products.list(OTHER, null, 10)).map((p) => p.productName)).toEqual(['other']);
    expect(await store.products.delete(ENV, ['a', 'zz'])).toBe(1);
    expect((await store.products.list(ENV, null, 10)).map((p) => p.productId)).toEqual(['b', 'c']);
    expect(await store.products.list(OTHER, null, 10)).toHaveLength(1);
  });

  test('a queued job is claimed once, progresses only under its owner, and is claimed again when its lease ends', async () => {
    const store = current();
    await store.jobs.create({
      environmentId: ENV,
      jobId: 'J:1',
      kind: 'K',
      request: ['iv'],
      createdAt: '2024-05-01T10:00:00Z',
    });
    await store.jobs.create({
      environmentId: OTHER,
      jobId: 'J:2',
      kind: 'K',
      request: [],
      createdAt: '2024-05-01T10:00:01Z',
    });
    expect(await store.jobs.get(ENV, 'J:1')).toMatchObject({
      status: 'Queued',
      attempts: 0,
      request: ['iv'],
      progress: null,
    });
    expect(await store.jobs.get(OTHER, 'J:1')).toBeUndefined();
    const now = '2024-05-01T10:01:00Z';
    // Three claimers race for two jobs: which of them comes away empty is up to the scheduler.
    const owners = ['a', 'b', 'c'];
    const claimed = await Promise.all(
      owners.map((owner) => store.jobs.claim(owner, now, '2024-05-01T10:02:00Z')),
    );
    expect(claimed.map((job) => job?.jobId ?? 'none').sort()).toEqual(['J:1', 'J:2', 'none']);
    const mine = owners[claimed.findIndex((job) => job?.jobId === 'J:1')] ?? '';
    expect(await store.jobs.get(ENV, 'J:1')).toMatchObject({
      status: 'Running',
      owner: mine,
      attempts: 1,
      startedAt: now,
    });
    expect(await store.jobs.update(ENV, 'J:1', 'intruder', { progress: { done: 9 } })).toBe(false);
    expect(await store.jobs.update(ENV, 'J:1', mine, { progress: { done: 1 } })).toBe(true);
    // The owner dies: after its lease, another process resumes the job with its progress.
    const resumed = await store.jobs.claim('d', '2024-05-01T10:03:00Z', '2024-05-01T10:04:00Z');
    expect(resumed).toMatchObject({
      environmentId: ENV,
      jobId: 'J:1',
      owner: 'd',
      attempts: 2,
      progress: { done: 1 },
      startedAt: now,
    });
    expect(await store.jobs.update(ENV, 'J:1', mine, { status: 'Completed' })).toBe(false);
    const end = {
      status: 'Completed',
      result: { entries: [1] },
      message: 'done',
      completedAt: '2024-05-01T10:03:30Z',
    } as const;
    expect(await store.jobs.update(ENV, 'J:1', 'd', end)).toBe(true);
    expect(await store.jobs.get(ENV, 'J:1')).toMatchObject({ ...end, progress: { done: 1 } });
    expect(await store.jobs.update(ENV, 'J:1', 'd', { message: 'after the end' })).toBe(false);
    expect(await store.jobs.claim('e', '2024-05-02T00:00:00Z', '2024-05-02T00:01:00Z')).toMatchObject({
      jobId: 'J:2',
    });
  });

  test('adjustment lines are inserted once per id, read by status and sync status, and updated', async () => {
    const store = current();
    const lines = [
      line({ lineId: 'c' }),
      line({ lineId: 'a', quantity: -9_223_372_036_854_775_807n }),
      line({ lineId: 'b', costPrice: null, externalReferenceId: null }),
    ];
    expect(await store.adjustments.insert(ENV, lines)).toEqual([]);
    expect(await store.adjustments.insert(OTHER, [line({ lineId: 'a' })])).toEqual([]);
    const existing = await store.adjustments.insert(ENV, [
      line({ lineId: 'a', bodyHash: 'other' }),
      line({ lineId: 'd' }),
    ]);
    expect(existing).toEqual([lines[1]]);
    expect(await store.adjustments.get(ENV, ['b', 'zz', 'a'])).toEqual([lines[1], lines[2]]);
    const updated = await store.adjustments.update(
      ENV,
      [
        { lineId: 'a', status: 'IVPosted' },
        { lineId: 'zz', status: 'IVPosted' },
        { lineId: 'b', status: 'Aggregated', syncStatus: 'FnOSyncEnqueued', message: 'journal 7' },
      ],
      '2024-05-02T00:00:00.000Z',
    );
    expect(updated).toEqual(['a', 'b']);
    const ids = async (
      filter: Parameters<Store['adjustments']['list']>[1],
      after: string | null = null,
      limit = 10,
    ) => (await store.adjustments.list(ENV, filter, after, limit)).map((l) => l.lineId);
    expect(await ids({})).toEqual(['a', 'b', 'c', 'd']);
    expect(await ids({}, 'a', 2)).toEqual(['b', 'c']);
    expect(await ids({ status: 'Created' })).toEqual(['c', 'd']);
    expect(await ids({ status: 'IVPosted', syncStatus: 'Created' })).toEqual(['a']);
    expect(await ids({ syncStatus: 'FnOSyncEnqueued' })).toEqual(['b']);
    expect((await store.adjustments.get(ENV, ['b']))[0]).toEqual({
      ...lines[2],
      status: 'Aggregated',
      syncStatus: 'FnOSyncEnqueued',
      message: 'journal 7',
      updatedAt: '2024-05-02T00:00:00.000Z',
    });
    expect(await store.adjustments.list(OTHER, {}, null, 10)).toEqual([line({ lineId: 'a' })]);
  });
}
