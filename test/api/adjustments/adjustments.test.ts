import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnHandInput } from '../../../src/domain/onhand-command.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { AT, measureAt, ORG } from '../../support/reservation-helpers.js';
import { readLedger } from '../api-helpers.js';

/**
 * Business-layer inventory adjustments (spec §2.11, #22): lines stored with their statuses, applied to
 * on-hand at once (createWithIVSync=true) or by the periodic posting, counted once whatever is retried,
 * and read and marked by an ERP connector. SQLite here; PostgreSQL in the api-on-postgres project.
 */

let h: Harness;
const BASE = '/api/environment/adj/transaction/adjustment';

beforeAll(async () => {
  h = await startHarness({ environments: ['adj'] });
});
afterAll(() => h?.close());

const adjustment = (id: string, quantity: number | string, extra: Record<string, unknown> = {}) => ({
  id,
  organizationId: ORG,
  productId: 'Kettle',
  quantityDataSource: 'pos',
  physicalMeasure: 'inbound',
  dimensions: { ...AT },
  quantity,
  ...extra,
});
const post = async (body: unknown, query = '') => {
  const res = await h.request('POST', `${BASE}/bulk${query}`, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const inbound = () => measureAt(h, 'adj', 'Kettle', AT, 'pos', 'inbound');
const lines = async (query: string) => {
  const res = await h.request('GET', `${BASE}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const ids = (bucket: { id: string }[]) => bucket.map((e) => e.id);

describe('business-layer adjustments', () => {
  it('with createWithIVSync=true, stores the lines and applies them to on-hand at once (IVPosted)', async () => {
    const result = await post(
      [
        adjustment('a1', 5, { externalReferenceId: 'R-1', costPrice: '12.50', transDate: '2024-05-01' }),
        adjustment('a2', '-1.5'),
      ],
      '?createWithIVSync=true',
    );
    expect(result).toMatchObject({
      success: [{ id: 'a1', processingStatus: 'success', statusCode: 200 }, { id: 'a2' }],
      failure: [],
    });
    expect(await inbound()).toBe(3_500_000n);
    const page = await lines('?status=IVPosted');
    expect(page.lines).toEqual([
      expect.objectContaining({
        id: 'a1',
        quantity: 5,
        costPrice: 12.5,
        externalReferenceId: 'R-1',
        transDate: '2024-05-01',
        dimensions: { locationid: '11', siteid: '1' },
        quantityDataSource: 'pos',
        physicalMeasure: 'inbound',
        status: 'IVPosted',
        syncStatus: 'Created',
      }),
      expect.objectContaining({ id: 'a2', quantity: -1.5, costPrice: null, status: 'IVPosted' }),
    ]);
    const ledger = (await readLedger(h, 'adj')).filter((e) => e.eventId?.startsWith('adj~a'));
    expect(ledger.map((e) => [e.kind, e.eventId])).toEqual([
      ['onhand.change', 'adj~a1'],
      ['onhand.change', 'adj~a2'],
    ]);
  });

  it('without it, keeps the lines Created until the periodic posting applies them, once', async () => {
    const before = await inbound();
    const result = await post([adjustment('b1', 2), adjustment('b2', 3)]);
    expect(ids(result.success)).toEqual(['b1', 'b2']);
    expect(await inbound()).toBe(before);
    expect((await lines('?status=Created')).lines.map((l: { id: string }) => l.id)).toEqual(['b1', 'b2']);
    // A process applied b1 to on-hand and stopped before marking it: the posting counts it once.
    const [b1] = await h.services.store.adjustments.get('adj', ['b1']);
    await h.services.engine.changeOnHand('adj', [{ input: b1?.request as OnHandInput, path: '' }]);
    expect(await h.services.engine.adjustments.postPending()).toBe(2);
    expect(await inbound()).toBe(before + 5_000_000n);
    expect(await h.services.engine.adjustments.postPending()).toBe(0);
    expect(await inbound()).toBe(before + 5_000_000n);
    expect((await lines('?status=Created')).lines).toEqual([]);
  });

  it('counts a retried id once, answers a reused id with another body as a conflict, and fails bad items on their own', async () => {
    const before = await inbound();
    const result = await post(
      [
        adjustment('a1', 5, { externalReferenceId: 'R-1', costPrice: '12.50', transDate: '2024-05-01' }),
        adjustment('a2', 7),
        adjustment('c1', 1),
        adjustment('c1', 1),
        adjustment('c2', 1, { physicalMeasure: 'nope' }),
        adjustment('c3', 1, { quantityDataSource: 'fno', physicalMeasure: 'arrived' }),
        { ...adjustment('c4', 1), quantity: undefined },
        adjustment('c5', 1, { transDate: '1 May' }),
      ],
      '?CreateWithIVSync=TRUE',
    );
    expect(ids(result.success)).toEqual(['a1', 'c1', 'c1']);
    expect(ids(result.conflict)).toEqual(['a2']);
    expect(result.conflict[0]).toMatchObject({ statusCode: 409, code: 'event_id_conflict' });
    expect(result.failure.map((f: { id: string; code: string }) => [f.id, f.code])).toEqual([
      ['c2', 'unknown_measure'],
      ['c3', 'data_source_read_only'],
      ['c4', 'missing_field'],
      ['c5', 'invalid_date'],
    ]);
    expect(await inbound()).toBe(before + 1_000_000n);
    expect((await lines('?limit=1000')).lines.map((l: { id: string }) => l.id)).toEqual([
      'a1',
      'a2',
      'b1',
      'b2',
      'c1',
    ]);
    const bad = await h.request('POST', `${BASE}/bulk?createWithIVSync=maybe`, [adjustment('d1', 1)]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_type', details: [{ path: 'query:createWithIVSync' }] });
    expect((await lines('?after=c1')).lines).toEqual([]);
  });

  it('lets an ERP connector read posted lines by status and record their sync status', async () => {
    await post([adjustment('e1', 1)]);
    const connector = await h.tokenWithRole(['adj'], 'write');
    const todo = await lines('?status=IVPosted&syncStatus=Created&limit=2');
    expect(todo.lines.map((l: { id: string }) => l.id)).toEqual(['a1', 'a2']);
    expect(todo.next).toBe('a2');
    const res = await h.request(
      'POST',
      `${BASE}/syncstatus`,
      [
        { id: 'a1', syncStatus: 'FnOSyncEnqueued', message: 'journal IV-1' },
        { id: 'a2', syncStatus: 'DoNotSync' },
        { id: 'zz', syncStatus: 'FnOSyncEnqueued' },
        { id: 'e1', syncStatus: 'FnOSyncEnqueued' },
        { id: 'b1', syncStatus: 'Sent' },
      ],
      { token: connector },
    );
    expect(res.statusCode, res.body).toBe(200);
    const buckets = res.json();
    expect(ids(buckets.success)).toEqual(['a1', 'a2']);
    expect(buckets.notFound).toMatchObject([{ id: 'zz', code: 'adjustment_not_found', statusCode: 404 }]);
    expect(buckets.failure.map((f: { id: string; code: string }) => [f.id, f.code])).toEqual([
      ['e1', 'adjustment_not_posted'],
      ['b1', 'invalid_type'],
    ]);
    const enqueued = await lines('?syncStatus=FnOSyncEnqueued');
    expect(enqueued.lines).toMatchObject([{ id: 'a1', status: 'Aggregated', message: 'journal IV-1' }]);
    expect((await lines('?status=Aggregated')).lines.map((l: { id: string }) => l.id)).toEqual(['a1', 'a2']);
    expect((await h.request('GET', `${BASE}?status=Done`)).json()).toMatchObject({ code: 'invalid_request' });
    expect((await h.request('GET', `${BASE}?state=Created`)).json()).toMatchObject({
      code: 'unknown_parameter',
    });
    const reader = await h.tokenWithRole(['adj'], 'read');
    expect((await h.request('POST', `${BASE}/syncstatus`, [], { token: reader })).statusCode).toBe(403);
  });
});
