import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { AV, batch, ENV, uploadGraph } from './oci-helpers.js';
import { post, quantities, reserve } from './reservation-helpers.js';

/*
 * Every OCI write at OCI's longest ids (location and group ids 128 characters, reservation, record and
 * transfer ids 128, SKUs 250, multi-byte and JSON-escaped ones too) works end to end, and the internal
 * IV ids it makes stay within IV's limits (docs/oci.md, "Internal ids").
 */
const LOC_A = `a${'-'.repeat(126)}a`;
const LOC_B = `b${'_'.repeat(126)}b`;
const GROUP = `g${'0'.repeat(126)}g`;
const id = (prefix: string) => prefix.padEnd(128, '-');
/** 250 characters of three UTF-8 bytes each (750 bytes), and one that JSON escapes and partitions escape. */
const SKUS = ['商'.repeat(250), `"~.${'"~'.repeat(123)}.`];

describe.each(testBackends())('OCI writes at the longest ids on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, { locations: [LOC_A, LOC_B], groups: [{ id: GROUP, locations: [LOC_A, LOC_B] }] });
  });
  afterAll(() => h.close());

  it('puts, patches and deletes one SKU at a location by path, the SKU percent-encoded (2,250 characters)', async () => {
    const sku = SKUS[0] ?? '';
    const url = (requestId: string) =>
      `${AV}/locations/${LOC_B}/availability-records/skus/${encodeURIComponent(sku)}/${id(requestId)}`;
    expect(url('put').length).toBeGreaterThan(2_500);
    const put = await h.request('PUT', url('put'), { onHand: 7, safetyStockCount: 1 });
    expect(put.statusCode, put.body).toBe(204);
    expect(await quantities(h, sku, 'locations', LOC_B)).toMatchObject({ onHand: 7 });
    const patch = await h.request('PATCH', url('patch'), { onHand: 9 });
    expect(patch.statusCode, patch.body).toBe(204);
    expect(await quantities(h, sku, 'locations', LOC_B)).toMatchObject({ onHand: 9 });
    expect((await h.request('DELETE', url('delete'))).statusCode).toBe(204);
    expect(await quantities(h, sku, 'locations', LOC_B)).toMatchObject({ onHand: 0 });
  });

  it.each(SKUS.map((sku, i) => [i, sku] as const))(
    'stock, safety stock, reserve, transfer (retried), release and fulfil (SKU %i)',
    async (i, sku) => {
      expect(SKUS[i]).toHaveLength(250);
      const written = await batch(h, [
        { id: id(`s${i}`), sku, location: LOC_A, onHand: 100, safetyStockCount: 10 },
        { id: id(`t${i}`), sku, location: LOC_B, onHand: 50 },
      ]);
      expect(written.statusCode, written.body).toBe(204);
      const reserved = await reserve(h, id(`R${i}`), {
        locations: [{ id: LOC_A, reservations: [{ sku, quantity: 5 }] }],
        groups: [{ id: GROUP, reservations: [{ sku, quantity: 4 }] }],
      });
      expect(reserved.status, JSON.stringify(reserved.body)).toBe(200);
      expect(reserved.body).toMatchObject({ success: true });
      const transfer = {
        records: [{ id: id(`T${i}`), sku, quantity: 3, from: { group: GROUP }, to: { location: LOC_B } }],
      };
      expect((await post(h, 'transfers', transfer)).status).toBe(204);
      const afterTransfer = await quantities(h, sku, 'locations', LOC_B);
      // A retry (same transfer id and body) answers as the first time and moves nothing more.
      expect((await post(h, 'transfers', transfer)).status).toBe(204);
      expect(await quantities(h, sku, 'locations', LOC_B)).toEqual(afterTransfer);
      expect(afterTransfer).toMatchObject({ onHand: 50, reserved: 3 });
      const released = await post(h, 'releases', {
        records: [{ id: id(`L${i}`), sku, quantity: 1, location: LOC_B }],
      });
      expect(released.status).toBe(204);
      const fulfilled = await post(h, 'fulfillments', {
        records: [{ id: id(`F${i}`), sku, quantity: 5, location: LOC_A }],
      });
      expect(fulfilled.status).toBe(204);
      expect(await quantities(h, sku, 'locations', LOC_B)).toMatchObject({ onHand: 50, reserved: 2 });
      expect(await quantities(h, sku, 'locations', LOC_A)).toMatchObject({ onHand: 95 });
      expect(await quantities(h, sku, 'groups', GROUP)).toMatchObject({ onHand: 145, reserved: 3 });

      // Every hold made is an IV reservation id within IV's 256 characters.
      const ledger = await h.services.store.readLedger(ENV, 0, 10_000);
      const holds = ledger
        .flatMap((e) => {
          const request = e.request as { holds?: { recordId: string }[]; documents?: { holds?: string[] }[] };
          return [
            ...(request?.holds ?? []).map((x) => x.recordId),
            ...(request?.documents ?? []).flatMap((d) => d.holds ?? []),
          ];
        })
        .filter((x) => x.startsWith('oci~'));
      expect(holds.length).toBeGreaterThan(0);
      for (const hold of holds) expect([...hold].length).toBeLessThanOrEqual(256);
      expect(holds.some((x) => x.startsWith('oci~sha256~'))).toBe(true);

      // The transfer's hold at LOC_B (hashed) is an IV reservation id the IV API can name.
      type Moved = { sku: string; documents: { holds: string[] }[] };
      const moved = ledger
        .filter((e) => e.kind === 'oci.transfer')
        .map((e) => e.request as Moved | null)
        .find((r) => r?.sku === sku);
      const hold = moved?.documents[0]?.holds[0];
      expect(hold).toMatch(/^oci~sha256~[A-Za-z0-9_-]{43}$/);
      const unreserved = await h.request('POST', `/api/environment/${ENV}/onhand/unreserve`, {
        id: id(`U${i}`),
        organizationId: 'usmf',
        productId: sku,
        reservationId: hold,
        OffsetQty: 1,
      });
      expect(unreserved.statusCode, unreserved.body).toBe(200);
      expect(await quantities(h, sku, 'locations', LOC_B)).toMatchObject({ onHand: 50, reserved: 1 });
    },
  );
});
