import { describe, expect, it } from 'vitest';
import { onCitus } from '../../support/citus.js';
import { tshirtEvent } from '../../support/harness.js';
import { ENV, expectError, inboundOf, type RowJson, readLedger, snapshot } from '../api-helpers.js';
import { BULK, h, ONHAND, post } from './compat-app.js';

/**
 * Idempotency (spec §2.3, design rule 2) and set on-hand (§2.6): part of compatibility.test.ts,
 * registered there in its order.
 */
export function describeIdempotencyAndSetOnhand(): void {
  describe('idempotency (spec §2.3, design rule 2)', () => {
    it('the same id and body twice: same envelope, counted once, idempotent-replayed on the second', async () => {
      const productId = 'idem-same';
      const event = tshirtEvent('idem-1', { productId, quantities: { pos: { inbound: 4 } } });
      const first = await h.request('POST', ONHAND, event);
      const second = await h.request('POST', ONHAND, event);
      expect(first.statusCode).toBe(200);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toEqual(first.json());
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await inboundOf(h, productId)).toBe(4);
      expect((await readLedger(h)).filter((e) => e.eventId === 'idem-1')).toHaveLength(1);
    });

    it('keys in another case and quantity "4" vs 4 are the same body', async () => {
      const productId = 'idem-case';
      await post(h, 'idem-2', { productId, quantities: { pos: { inbound: 4 } } });
      const variants = [
        {
          ID: 'idem-2',
          OrganizationId: 'usmf',
          PRODUCTID: productId,
          DimensionDataSource: 'pos',
          Dimensions: { SiteId: '1', LocationId: '11', posMachineId: '0001', ColorId: 'red' },
          Quantities: { POS: { Inbound: '4' } },
        },
        tshirtEvent('idem-2', { productId, quantities: { pos: { inbound: '4.000' } } }),
      ];
      for (const variant of variants) {
        const res = await h.request('POST', ONHAND, variant);
        expect(res.statusCode).toBe(200);
        expect(res.headers['idempotent-replayed']).toBe('true');
        expect(res.json()).toEqual({
          id: 'idem-2',
          processingStatus: 'success',
          message: '',
          statusCode: 200,
        });
      }
      expect(await inboundOf(h, productId)).toBe(4);
    });

    it('the same id with a different body → 409 event_id_conflict, nothing applied', async () => {
      const productId = 'idem-conflict';
      await post(h, 'idem-3', { productId, quantities: { pos: { inbound: 4 } } });
      const before = await snapshot(h);
      for (const overrides of [
        { quantities: { pos: { inbound: 5 } } },
        { quantities: { pos: { outbound: 4 } } },
        // Another organization is another partition: on Citus, a new event there (the next test).
        ...(onCitus ? [] : [{ organizationId: 'usmf2' }]),
      ]) {
        const res = await h.request('POST', ONHAND, tshirtEvent('idem-3', { productId, ...overrides }));
        expectError(res, { status: 409, code: 'event_id_conflict' });
        expect(res.json()).toMatchObject({ id: 'idem-3', processingStatus: 'conflict', statusCode: 409 });
      }
      expect(await snapshot(h)).toEqual(before);
      expect(await inboundOf(h, productId)).toBe(4);
    });

    // docs/operations.md, "What is different on Citus": event ids are unique per environment, kind of
    // write and partition there, so that the idempotency check stays on the write's own shard.
    it.runIf(onCitus)(
      'on Citus, the same id with a body for another partition is applied there as a new event',
      async () => {
        const productId = 'idem-partition';
        await post(h, 'idem-7', { productId, quantities: { pos: { inbound: 4 } } });
        await post(h, 'idem-7', { productId, organizationId: 'usmf2', quantities: { pos: { inbound: 3 } } });
        expect(await inboundOf(h, productId)).toBe(4);
        expect(await inboundOf(h, productId, 'usmf2')).toBe(3);
        // Each is still idempotent in its own partition.
        await post(h, 'idem-7', { productId, organizationId: 'usmf2', quantities: { pos: { inbound: 3 } } });
        const conflict = await h.request(
          'POST',
          ONHAND,
          tshirtEvent('idem-7', { productId, quantities: { pos: { inbound: 5 } } }),
        );
        expectError(conflict, { status: 409, code: 'event_id_conflict' });
        expect(await inboundOf(h, productId, 'usmf2')).toBe(3);
        expect(await inboundOf(h, productId)).toBe(4);
      },
    );

    it('a bulk holding the same id twice with the same body counts once; with another body it is a conflict', async () => {
      const productId = 'idem-bulk';
      const event = tshirtEvent('idem-4', { productId, quantities: { pos: { inbound: 2 } } });
      const res = await h.request('POST', BULK, [event, event]);
      expect(res.statusCode).toBe(200);
      expect(res.json().success).toHaveLength(2);
      expect(await inboundOf(h, productId)).toBe(2);

      const mixed = await h.request('POST', BULK, [
        tshirtEvent('idem-5', { productId, quantities: { pos: { inbound: 1 } } }),
        tshirtEvent('idem-5', { productId, quantities: { pos: { inbound: 7 } } }),
        event,
      ]);
      expect(mixed.statusCode).toBe(200);
      const body = mixed.json();
      expect(body.success.map((e: { id: string }) => e.id)).toEqual(['idem-5', 'idem-4']);
      expect(body.conflict).toMatchObject([
        { id: 'idem-5', processingStatus: 'conflict', statusCode: 409, code: 'event_id_conflict' },
      ]);
      expect(await inboundOf(h, productId)).toBe(3);
    });

    it('a failed event id is not remembered: the corrected event with the same id is applied', async () => {
      const productId = 'idem-failed';
      const bad = await h.request(
        'POST',
        ONHAND,
        tshirtEvent('idem-6', { productId, quantities: { pos: { nope: 1 } } }),
      );
      expectError(bad, { status: 400, code: 'unknown_measure', path: '/quantities/pos/nope' });
      await post(h, 'idem-6', { productId, quantities: { pos: { inbound: 1 } } });
      expect(await inboundOf(h, productId)).toBe(1);
    });
  });

  describe('set on-hand (spec §2.6)', () => {
    const SET = `${ENV}/setonhand/pos/bulk`;
    const count = (id: string, productId: string, inbound: number | string, modifiedDateTimeUTC?: string) =>
      tshirtEvent(id, {
        productId,
        quantities: { pos: { inbound } },
        ...(modifiedDateTimeUTC ? { modifiedDateTimeUTC } : {}),
      });

    it('sets the absolute value, whatever was there before', async () => {
      const productId = 'set-absolute';
      await post(h, 'set-abs-change', { productId, quantities: { pos: { inbound: 5, outbound: 1 } } });
      const res = await h.request('POST', SET, [count('set-abs-1', productId, 100)]);
      expect(res.statusCode).toBe(200);
      expect(res.json().success).toEqual([
        { id: 'set-abs-1', processingStatus: 'success', message: '', statusCode: 200 },
      ]);
      const rows: RowJson[] = (
        await h.request('GET', `${ENV}/onhand?organizationId=usmf&productId=${productId}`)
      ).json();
      expect(rows[0]!.quantities.pos).toEqual({ inbound: 100, outbound: 1, availquantity: 99 });
      await post(h, 'set-abs-change-2', { productId, quantities: { pos: { inbound: -10 } } });
      expect(await inboundOf(h, productId)).toBe(90);
    });

    it('an older count does not overwrite a newer one and says so; an equal or newer one does', async () => {
      const productId = 'set-dated';
      const apply = async (id: string, inbound: number, when: string) => {
        const res = await h.request('POST', SET, [count(id, productId, inbound, when)]);
        expect(res.statusCode).toBe(200);
        const [envelope] = res.json().success;
        expect(envelope).toMatchObject({ id, processingStatus: 'success', statusCode: 200 });
        return envelope.message as string;
      };
      expect(await apply('dated-1', 100, '2024-01-02T00:00:00Z')).toBe('');
      const stale = await apply('dated-2', 50, '2024-01-01T23:59:59Z');
      expect(stale).toMatch(/pos\.inbound/);
      expect(stale).toMatch(/newer/i);
      expect(await inboundOf(h, productId)).toBe(100);

      expect(await apply('dated-3', 70, '2024-01-02T01:00:00+01:00')).toBe('');
      expect(await inboundOf(h, productId)).toBe(70);
      expect(await apply('dated-4', 80, '2024-01-03')).toBe('');
      expect(await inboundOf(h, productId)).toBe(80);
      expect(await apply('dated-5', 10, '2024-01-02T12:00:00')).not.toBe('');
      expect(await inboundOf(h, productId)).toBe(80);
    });

    it('a count naming another data source than the path fails with inventory_system_mismatch', async () => {
      const productId = 'set-mismatch';
      const res = await h.request('POST', `${ENV}/setonhand/iom/bulk`, [
        count('mismatch-1', productId, 5),
        tshirtEvent('mismatch-2', { productId, quantities: { iom: { onhand: 5 } } }),
      ]);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.failure).toMatchObject([
        {
          id: 'mismatch-1',
          processingStatus: 'failure',
          statusCode: 400,
          code: 'inventory_system_mismatch',
          details: [{ code: 'inventory_system_mismatch', path: '/0/quantities/pos' }],
        },
      ]);
      expect(body.success.map((e: { id: string }) => e.id)).toEqual(['mismatch-2']);
      expect(await inboundOf(h, productId)).toBe(0);
    });

    it('the inventory system in the path is case-insensitive and counts are idempotent', async () => {
      const productId = 'set-idem';
      const item = count('set-idem-1', productId, 12, '2024-05-01T00:00:00Z');
      const first = await h.request('POST', `${ENV}/setonhand/POS/bulk`, [item]);
      expect(first.json().success).toHaveLength(1);
      await post(h, 'set-idem-change', { productId, quantities: { pos: { inbound: 1 } } });
      const replay = await h.request('POST', `${ENV}/setonhand/pos/bulk`, [item]);
      expect(replay.json().success).toEqual(first.json().success);
      expect(await inboundOf(h, productId)).toBe(13);
    });
  });
}
