import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { ENV, expectError, inboundOf, type RowJson, readLedger, snapshot } from './api-helpers.js';
import { ADMIN_CASES } from './bad-input/admin-cases.js';
import { type BadCase, BULK, event, INDEX, ONHAND, qty, query } from './bad-input/bad-cases.js';
import { describeBadInputEdges } from './bad-input/edge-tests.js';
import { QUERY_CASES } from './bad-input/query-cases.js';
import { WRITE_SHAPE_CASES } from './bad-input/write-shape-cases.js';
import { WRITE_VALUE_CASES } from './bad-input/write-value-cases.js';

/**
 * Design rule 5: bad input gets a clear error (HTTP status, stable code, path of the bad field) and
 * changes nothing. Every case below is sent to a running app on a real database; a snapshot of the
 * ledger, partitions, stock and configuration taken before and after must be equal. Invalid
 * configurations and the valid edge values: bad-input/edge-tests.ts, registered at the end.
 */

let h: Harness;
/** A second app with small limits: 2 KiB bodies, at most 3 product ids per query. */
let limited: Harness;

beforeAll(async () => {
  h = await startHarness();
  limited = await startHarness({ env: { ONHAND_BODY_LIMIT_BYTES: '2048', ONHAND_QUERY_MAX_PRODUCTS: '3' } });
  for (const harness of [h, limited]) {
    const seed = await harness.request(
      'POST',
      `${ENV}/onhand`,
      tshirtEvent('seed-1', { quantities: { pos: { inbound: 5 } } }),
    );
    expect(seed.statusCode).toBe(200);
  }
});

afterAll(async () => {
  await h?.close();
  await limited?.close();
});

// The tables of bad requests live in test/api/bad-input/, by concept; the writes in their order of before.
const writeCases: BadCase[] = [...WRITE_SHAPE_CASES, ...WRITE_VALUE_CASES];
const queryCases = QUERY_CASES;
const adminCases = ADMIN_CASES;

async function send(c: BadCase) {
  const harness = c.limited ? limited : h;
  const method = c.method ?? 'POST';
  const options = {
    ...(c.rawBody === undefined ? {} : { rawBody: c.rawBody }),
    ...(c.headers === undefined ? {} : { headers: c.headers }),
  };
  return harness.request(method, c.url ?? ONHAND, c.body, options);
}

/** Sends a bad request and checks its error and that the stored state did not move. */
async function rejectsAndChangesNothing(c: BadCase): Promise<void> {
  const harness = c.limited ? limited : h;
  const before = await snapshot(harness);
  const res = await send(c);
  expectError(res, c);
  expect(await snapshot(harness)).toEqual(before);
}

describe('bad input gets a clear error and changes nothing', () => {
  describe('writes', () => {
    it.each(writeCases)('$name → $status $code', rejectsAndChangesNothing);
  });

  describe('queries', () => {
    it.each(queryCases)('$name → $status $code', rejectsAndChangesNothing);
  });

  describe('administration', () => {
    it.each(adminCases)('$name → $status $code', rejectsAndChangesNothing);
  });

  describe('hostile text, content types and parameter names', () => {
    const hostileCases: BadCase[] = [
      {
        name: 'non-JSON content type (text/plain)',
        rawBody: JSON.stringify(event('bad')),
        headers: { 'content-type': 'text/plain' },
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'non-JSON content type (form-urlencoded) on a write',
        rawBody: 'id=bad&organizationId=usmf&productId=T-shirt',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'quantity 1e400 as a JSON number',
        rawBody: JSON.stringify(qty(1)).replace('"inbound":1', '"inbound":1e400'),
        status: 400,
        code: 'quantity_out_of_range',
        path: '/quantities/pos/inbound',
      },
      {
        name: 'unpaired surrogate in id',
        body: event('bad-\ud800'),
        status: 400,
        code: 'invalid_id',
        path: '/id',
      },
      {
        name: 'GET query with a parameter named "constructor"',
        method: 'GET',
        url: `${ENV}/onhand?organizationId=usmf&productId=T-shirt&constructor=red`,
        status: 400,
        code: 'unknown_dimension',
        path: '/filters/constructor',
      },
      {
        name: 'GET query with a parameter named "toString"',
        method: 'GET',
        url: `${ENV}/onhand?organizationId=usmf&productId=T-shirt&toString=red`,
        status: 400,
        code: 'unknown_dimension',
        path: '/filters/toString',
      },
      {
        name: 'GET query with a parameter named "__proto__"',
        method: 'GET',
        url: `${ENV}/onhand?organizationId=usmf&productId=T-shirt&__proto__=red`,
        status: 400,
        code: 'unknown_dimension',
        path: '/filters/__proto__',
      },
    ];
    it.each(hostileCases)('$name → $status $code', rejectsAndChangesNothing);
    it('an id of 200 emoji (200 characters) is accepted', async () => {
      const res = await h.request('POST', ONHAND, event('😀'.repeat(200), { productId: 'emoji-length' }));
      expect(res.statusCode).toBe(200);
    });
    it('an unpaired surrogate in productId is rejected', async () => {
      const productId = 'P-\udc00';
      const first = await h.request('POST', ONHAND, event('sur-1', { productId }));
      if (first.statusCode === 400) {
        expectError(first, { status: 400, code: 'invalid_id', path: '/productId' });
        return;
      }
      expect((await h.request('POST', ONHAND, event('sur-2', { productId }))).statusCode).toBe(200);
      const rows: RowJson[] = (await h.request('POST', INDEX, query({ productId: [productId] }))).json();
      expect(rows.map((r) => [r.productId, r.quantities.pos?.inbound])).toEqual([[productId, 2]]);
    });
  });
});

describe('the server stays healthy after pollution attempts', () => {
  it('rejects __proto__ / constructor bodies on every write route and keeps working', async () => {
    const before = await snapshot(h);
    const bodies = ['{"__proto__":{"polluted":true}}', '[{"constructor":{"prototype":{"polluted":true}}}]'];
    for (const url of [ONHAND, BULK, `${ENV}/setonhand/pos/bulk`, INDEX, `${ENV}/configuration/hardupdate`]) {
      for (const rawBody of bodies) {
        const res = await h.request('POST', url, undefined, { rawBody });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('malformed_json');
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await snapshot(h)).toEqual(before);
    expect((await h.request('GET', '/health/ping', undefined, { token: null })).statusCode).toBe(200);
    const ok = await h.request('POST', ONHAND, event('after-pollution', { productId: 'pollution-check' }));
    expect(ok.statusCode).toBe(200);
    expect(await inboundOf(h, 'pollution-check')).toBe(1);
  });
});

describe('a bulk with some bad items', () => {
  it('applies the good items and fails each bad one with its own code and /<index> path', async () => {
    const productId = 'bulk-mixed';
    const base = (id: string, overrides: Record<string, unknown> = {}) =>
      event(id, { productId, ...overrides });
    const items: unknown[] = [
      base('mixed-good-1', { quantities: { pos: { inbound: 2 } } }),
      base('mixed-bad-1', { quantities: { pos: { nope: 1 } } }),
      base('mixed-bad-2', { productId: 5 }),
      base('mixed-bad-3', { dimensionDataSource: null, dimensions: { siteId: '1' } }),
      base('mixed-bad-4', { quantities: { pos: { inbound: 0.1234567 } } }),
      base('mixed-good-2', { quantities: { pos: { inbound: '3' } } }),
      base('mixed-bad-5', { quantities: { pos: { availquantity: 1 } } }),
      null,
      base('mixed-bad-7', { quantities: { fno: { arrived: 1 } } }),
    ];
    const ledgerBefore = await readLedger(h);
    const res = await h.request('POST', BULK, items);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([
      'conflict',
      'failure',
      'notFound',
      'partialSuccess',
      'success',
      'unknown',
    ]);
    expect(body.success.map((e: { id: string }) => e.id)).toEqual(['mixed-good-1', 'mixed-good-2']);
    const expected = [
      { index: 1, id: 'mixed-bad-1', code: 'unknown_measure', path: '/1/quantities/pos/nope' },
      { index: 2, id: 'mixed-bad-2', code: 'invalid_type', path: '/2/productId' },
      { index: 3, id: 'mixed-bad-3', code: 'missing_partition_dimension', path: '/3/dimensions/locationid' },
      { index: 4, id: 'mixed-bad-4', code: 'quantity_precision', path: '/4/quantities/pos/inbound' },
      {
        index: 6,
        id: 'mixed-bad-5',
        code: 'calculated_measure_not_writable',
        path: '/6/quantities/pos/availquantity',
      },
      { index: 7, id: '', code: 'invalid_type', path: '/7' },
      { index: 8, id: 'mixed-bad-7', code: 'data_source_read_only', path: '/8/quantities/fno' },
    ];
    expect(body.failure).toHaveLength(expected.length);
    body.failure.forEach((failure: Record<string, unknown>, i: number) => {
      const want = expected[i]!;
      expect(failure).toMatchObject({
        id: want.id,
        processingStatus: 'failure',
        statusCode: 400,
        code: want.code,
      });
      const paths = (failure.details as { path: string }[]).map((d) => d.path);
      expect(paths).toContain(want.path);
      for (const path of paths) expect(path).toMatch(new RegExp(`^/${want.index}(/|$)`));
    });
    for (const bucket of ['conflict', 'notFound', 'partialSuccess', 'unknown'])
      expect(body[bucket]).toEqual([]);
    expect(await inboundOf(h, productId)).toBe(5);
    const added = (await readLedger(h)).slice(ledgerBefore.length);
    expect(added.map((e) => e.eventId)).toEqual(['mixed-good-1', 'mixed-good-2']);
  });

  it('a bulk of 513 items applies none of them, while 512 are accepted', async () => {
    const items = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => event(`${prefix}-${i}`, { productId: `${prefix}-product` }));
    const before = await snapshot(h);
    const tooMany = await h.request('POST', BULK, items(513, 'limit513'));
    expectError(tooMany, { status: 400, code: 'too_many_items' });
    expect(await snapshot(h)).toEqual(before);
    expect(await inboundOf(h, 'limit513-product')).toBe(0);

    const maxed = await h.request('POST', BULK, items(512, 'limit512'));
    expect(maxed.statusCode).toBe(200);
    expect(maxed.json().success).toHaveLength(512);
    expect(await inboundOf(h, 'limit512-product')).toBe(512);
  });

  it('a set on-hand item with a bad modifiedDateTimeUTC fails alone', async () => {
    const productId = 'set-bad-date';
    const res = await h.request('POST', `${ENV}/setonhand/pos/bulk`, [
      event('set-date-bad', {
        productId,
        modifiedDateTimeUTC: 'yesterday',
        quantities: { pos: { inbound: 9 } },
      }),
      event('set-date-bad-2', {
        productId,
        modifiedDateTimeUTC: '2024-13-45T99:99:99Z',
        quantities: { pos: { inbound: 9 } },
      }),
      event('set-date-good', {
        productId,
        modifiedDateTimeUTC: '2024-01-01T00:00:00Z',
        quantities: { pos: { inbound: 7 } },
      }),
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.success.map((e: { id: string }) => e.id)).toEqual(['set-date-good']);
    expect(body.failure).toMatchObject([
      { id: 'set-date-bad', code: 'invalid_datetime', details: [{ path: '/0/modifiedDateTimeUTC' }] },
      { id: 'set-date-bad-2', code: 'invalid_datetime', details: [{ path: '/1/modifiedDateTimeUTC' }] },
    ]);
    expect(await inboundOf(h, productId)).toBe(7);
  });
});

describeBadInputEdges(() => h);
