import { beforeAll, describe, expect, it } from 'vitest';
import { type Harness, tshirtEvent } from '../support/harness.js';
import {
  ENV,
  expectError,
  inboundOf,
  ledgerDeltaMicro,
  type RowJson,
  readLedger,
  snapshot,
  toMicro,
} from './api-helpers.js';
import { describeAuthentication } from './compatibility/auth-tests.js';
import { at, fresh, post, useCompatApp } from './compatibility/compat-app.js';
import { describeQueries } from './compatibility/query-tests.js';
import { describeRoutingAndVersions } from './compatibility/routing-tests.js';
import { describeIdempotencyAndSetOnhand } from './compatibility/write-tests.js';

/**
 * Compatibility with the Dynamics 365 Inventory Visibility API as described in spec §2.1-2.7:
 * routing, headers, key casing, versions, query shapes, idempotency, set on-hand, tokens and the
 * partition administration endpoints.
 */

useCompatApp();

describeRoutingAndVersions();
describeAuthentication();
describeQueries();
describeIdempotencyAndSetOnhand();

describe('partition administration and the ledger (spec §2.4 rows 25, 30, 31)', () => {
  let x: Harness;

  beforeAll(async () => {
    x = await fresh();
    await post(x, 'adm-1', {
      ...at('1', '11', { colorId: 'red' }),
      quantities: { pos: { inbound: 5, outbound: 1 } },
    });
    await post(x, 'adm-2', { ...at('1', '11'), quantities: { pos: { inbound: 0.5 } } });
    await post(x, 'adm-3', { ...at('1', '12', { colorId: 'red' }), quantities: { pos: { inbound: 7 } } });
    await post(x, 'adm-4', { ...at('2', '21'), productId: 'Jeans', quantities: { pos: { inbound: 2 } } });
    await post(x, 'adm-5', { ...at('2', '22'), quantities: { pos: { inbound: 3 } } });
    const set = await x.request('POST', `${ENV}/setonhand/pos/bulk`, [
      tshirtEvent('adm-set', { ...at('1', '12', { colorId: 'red' }), quantities: { pos: { inbound: 4 } } }),
    ]);
    expect(set.json().success).toHaveLength(1);
  });

  /** Stored pos quantities per key, in millionths, read through the query API. */
  async function stored(): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    for (const productId of ['T-shirt', 'Jeans']) {
      const rows: RowJson[] = (
        await x.request('GET', `${ENV}/onhand?organizationId=usmf&productId=${productId}&groupBy=colorId`)
      ).json();
      for (const row of rows) {
        for (const [measure, value] of Object.entries(row.quantities.pos ?? {})) {
          if (measure === 'availquantity') continue;
          const key = JSON.stringify([
            productId,
            row.dimensions.siteid,
            row.dimensions.locationid,
            row.dimensions.ColorId,
            measure,
          ]);
          if (value !== 0) out.set(key, toMicro(value));
        }
      }
    }
    return out;
  }

  /** Sum of ledger deltas per key, in millionths. */
  async function ledgerSums(): Promise<Map<string, bigint>> {
    const sums = new Map<string, bigint>();
    for (const entry of await readLedger(x)) {
      for (const change of entry.changes) {
        expect(change.dataSource).toBe('pos');
        const d = change.dimensions;
        const key = JSON.stringify([
          change.productId,
          d.siteid,
          d.locationid,
          d.colorid ?? '',
          change.measure,
        ]);
        sums.set(key, (sums.get(key) ?? 0n) + ledgerDeltaMicro(change.delta));
      }
    }
    for (const [key, value] of sums) if (value === 0n) sums.delete(key);
    return sums;
  }

  it('GET allpartitionids lists "org~site~location" ids of the partitions that hold data', async () => {
    const res = await x.request('GET', `${ENV}/allpartitionids`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(['usmf~1~11', 'usmf~1~12', 'usmf~2~21', 'usmf~2~22']);
    expect(await ledgerSums()).toEqual(await stored());
  });

  it('an unknown partition id → 404 partition_not_found and nothing is deleted', async () => {
    const before = await snapshot(x);
    for (const body of [['usmf~9~99'], ['usmf~1~11', 'usmf~9~99']]) {
      expectError(await x.request('DELETE', `${ENV}/partitions/cleanupalldata`, body), {
        status: 404,
        code: 'partition_not_found',
      });
    }
    expect(await snapshot(x)).toEqual(before);
  });

  it('DELETE partitions/cleanupalldata empties the given partition only, and the ledger records it', async () => {
    const res = await x.request('DELETE', `${ENV}/partitions/cleanupalldata`, ['usmf~1~11']);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deletedPartitions: ['usmf~1~11'], deletedRows: 3 });
    expect(
      (
        await x.request('GET', `${ENV}/onhand?organizationId=usmf&productId=T-shirt&siteId=1&locationId=11`)
      ).json(),
    ).toEqual([]);
    expect((await x.request('GET', `${ENV}/allpartitionids`)).json()).toEqual([
      'usmf~1~12',
      'usmf~2~21',
      'usmf~2~22',
    ]);
    const rows: RowJson[] = (
      await x.request('GET', `${ENV}/onhand?organizationId=usmf&productId=T-shirt&siteId=1&locationId=12`)
    ).json();
    expect(rows[0]!.quantities.pos!.inbound).toBe(4);

    const cleanup = (await readLedger(x)).filter((e) => e.kind === 'partition.cleanup');
    expect(cleanup).toHaveLength(1);
    expect(cleanup[0]!.partitionId).toBe('usmf~1~11');
    expect(cleanup[0]!.changes).toHaveLength(3);
    expect(await ledgerSums()).toEqual(await stored());
  });

  it('the older DELETE cleanupalldata form does the same, for several partitions', async () => {
    const res = await x.request('DELETE', `${ENV}/cleanupalldata`, ['usmf~2~21', 'usmf~1~12']);
    expect(res.statusCode).toBe(200);
    expect(res.json().deletedPartitions.sort()).toEqual(['usmf~1~12', 'usmf~2~21']);
    expect((await x.request('GET', `${ENV}/allpartitionids`)).json()).toEqual(['usmf~2~22']);
    expect(await inboundOf(x, 'Jeans')).toBe(0);
    expect(await ledgerSums()).toEqual(await stored());
    expect([...(await stored()).values()]).toEqual([3_000_000n]);
  });

  it('writes after a cleanup start again from zero, and the ledger still adds up', async () => {
    await post(x, 'adm-6', { ...at('1', '11', { colorId: 'red' }), quantities: { pos: { inbound: 2 } } });
    expect((await x.request('GET', `${ENV}/allpartitionids`)).json()).toEqual(['usmf~1~11', 'usmf~2~22']);
    expect(await ledgerSums()).toEqual(await stored());
  });
});
