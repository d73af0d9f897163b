import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { tshirtQuery } from './api-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ environments: ['test', 'shop'] });
});
afterAll(() => h.close());

const E = '/api/environment/test';

describe('on-hand change events and queries, with the T-shirt examples of the spec', () => {
  it('answers a single change with the success envelope and applies it', async () => {
    const response = await h.request('POST', `${E}/onhand`, tshirtEvent('Test201'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: 'Test201',
      processingStatus: 'success',
      message: '',
      statusCode: 200,
    });
  });

  it('answers a bulk request with one result per item in the spec buckets', async () => {
    const response = await h.request('POST', `${E}/onhand/bulk`, [
      tshirtEvent('Test203', {
        dimensions: { SiteId: '1', LocationId: '11', posMachineId: '0001', colorId: 'red' },
      }),
      {
        id: 'Test204',
        organizationId: 'usmf',
        productId: 'T-shirt',
        dimensions: { siteId: '1', locationId: '11', colorId: 'black' },
        quantities: { pos: { outbound: 3 } },
      },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: [
        { id: 'Test203', processingStatus: 'success', message: '', statusCode: 200 },
        { id: 'Test204', processingStatus: 'success', message: '', statusCode: 200 },
      ],
      failure: [],
      conflict: [],
      notFound: [],
      partialSuccess: [],
      unknown: [],
    });
  });

  it('returns rows per colour with physical and calculated measures evaluated at read time', async () => {
    const response = await h.request('POST', `${E}/onhand/indexquery`, tshirtQuery);
    expect(response.statusCode).toBe(200);
    const rows = response.json() as {
      productId: string;
      dimensions: Record<string, string>;
      quantities: Record<string, Record<string, number>>;
    }[];
    expect(rows.map((r) => r.dimensions)).toEqual([
      { ColorId: 'black', siteid: '1', locationid: '11' },
      { ColorId: 'red', siteid: '1', locationid: '11' },
    ]);
    const [black, red] = rows;
    expect(red?.quantities.pos).toEqual({ inbound: 2, outbound: 0, availquantity: 2 });
    expect(red?.quantities.iv?.availabletoreserve).toBe(2);
    expect(black?.quantities.pos).toEqual({ outbound: 3, inbound: 0, availquantity: -3 });
  });

  it('sets a counted quantity regardless of the previous value (set on-hand)', async () => {
    const response = await h.request('POST', `${E}/setonhand/pos/bulk`, [
      tshirtEvent('Count-1', {
        quantities: { pos: { inbound: 100 } },
        modifiedDateTimeUTC: '2026-01-01T10:00:00Z',
      }),
    ]);
    expect(response.json().success).toHaveLength(1);
    const rows = (await h.request('POST', `${E}/onhand/indexquery`, tshirtQuery)).json() as {
      quantities: { pos: { inbound: number } };
    }[];
    expect(rows[1]?.quantities.pos.inbound).toBe(100);
  });

  it('keeps exact decimals: 0.1 + 0.2 is 0.3', async () => {
    const event = (id: string, qty: number | string) =>
      tshirtEvent(id, { productId: 'rope', quantities: { pos: { inbound: qty } } });
    await h.request('POST', `${E}/onhand/bulk`, [
      event('d1', 0.1),
      event('d2', '0.2'),
      event('d3', '1000000.000001'),
    ]);
    const response = await h.request('POST', `${E}/onhand/indexquery`, {
      ...tshirtQuery,
      filters: { ...tshirtQuery.filters, productId: ['rope'] },
      groupByValues: [],
    });
    expect(response.body).toContain('"inbound":1000000.300001');
  });
});

describe('the ledger', () => {
  it('records every accepted write; replaying its changes gives the stored quantities', async () => {
    const response = await h.request('GET', `${E}/ledger?limit=1000`);
    expect(response.statusCode).toBe(200);
    const entries = response.json() as {
      seq: number;
      eventId: string;
      changes: { productId: string; measure: string; delta: number; dimensions: Record<string, string> }[];
    }[];
    expect(entries.map((e) => e.eventId)).toEqual([
      'Test201',
      'Test203',
      'Test204',
      'Count-1',
      'd1',
      'd2',
      'd3',
    ]);
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
    const replayed = new Map<string, bigint>();
    for (const entry of entries) {
      for (const change of entry.changes) {
        const key = `${change.productId}|${JSON.stringify(change.dimensions)}|${change.measure}`;
        replayed.set(key, (replayed.get(key) ?? 0n) + BigInt(Math.round(change.delta * 1e6)));
      }
    }
    const stored = await h.services.store.readStock('test', { organizationIds: ['usmf'] });
    const storedEntries = stored.map((row) => [
      `${row.productId}|${JSON.stringify(row.dimensions)}|${row.measure}`,
      row.quantity,
    ]);
    expect(storedEntries.sort()).toEqual([...replayed.entries()].sort());
  });
});

describe('writes racing each other', () => {
  it('applies 200 concurrent single events and 4 concurrent bulks to one product without losing any', async () => {
    const singles = Array.from({ length: 200 }, (_, i) =>
      h.request('POST', '/api/environment/shop/onhand', tshirtEvent(`race-${i}`)),
    );
    const bulks = Array.from({ length: 4 }, (_, b) =>
      h.request(
        'POST',
        '/api/environment/shop/onhand/bulk',
        Array.from({ length: 100 }, (_, i) => tshirtEvent(`bulk-${b}-${i}`)),
      ),
    );
    const responses = await Promise.all([...singles, ...bulks]);
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const rows = (await h.request('POST', '/api/environment/shop/onhand/indexquery', tshirtQuery)).json() as {
      quantities: { pos: { inbound: number } };
    }[];
    expect(rows[0]?.quantities.pos.inbound).toBe(600);
  });
});

describe('the write items metric', () => {
  it('counts every item of a bulk request by its status', async () => {
    const metricOf = async (status: string): Promise<number> => {
      const body = (await h.request('GET', '/metrics', undefined, { token: null })).body;
      const line = body
        .split('\n')
        .find((l) => l.startsWith(`onhand_write_items_total{operation="onhand",status="${status}"}`));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const [success, failure] = [await metricOf('success'), await metricOf('failure')];
    const response = await h.request('POST', `${E}/onhand/bulk`, [
      tshirtEvent('Metric-1'),
      tshirtEvent('Metric-2'),
      { ...tshirtEvent('Metric-3'), quantities: { pos: { inbound: 'many' } } },
      tshirtEvent('Metric-4'),
    ]);
    expect(response.statusCode).toBe(200);
    expect(await metricOf('success')).toBe(success + 3);
    expect(await metricOf('failure')).toBe(failure + 1);
  });
});
