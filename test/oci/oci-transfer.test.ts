import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { availability, batch, ENV, IMPEX } from './oci-helpers.js';
import { exportText, importText } from './transfer-helpers.js';

/*
 * `onhand export` / `onhand import` (engine/transfer) keep an environment's OCI data: its location graph
 * (overrides and version), safety stock, product segmentation, the first outcomes of record ids, and
 * the OCI reservations (IV reservations and ledger entries), so the copy answers OCI as the original.
 */

const COPY = 'oci-copy';
const AV_COPY = `/inventory/availability/v1/organizations/${COPY}`;
const RES = (env: string) => `/inventory/reservation/v1/organizations/${env}`;
const GRAPH = {
  ivOrganizationId: 'usmf',
  locations: [
    'surprise',
    { id: 'wickenburg', iv: { organizationId: 'usmf', siteId: '2', locationId: '21' } },
    'warehouse5',
  ],
  groups: [{ id: 'arizona', locations: ['surprise', 'wickenburg'] }],
};

/** Exports `from` and imports the file into the new environment `to`, as the CLI does. */
async function exportImport(h: Harness, from: string, to: string) {
  const { summary, text } = await exportText(h, from);
  const imported = await importText(h, text, to);
  return { summary, imported, text };
}

describe.each(testBackends())('OCI data in a full export and import on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    expect((await h.request('PUT', `${IMPEX}/location-graph`, GRAPH)).statusCode).toBe(200);
    // A second upload: the version (2) travels too.
    expect((await h.request('PUT', `${IMPEX}/location-graph`, GRAPH)).statusCode).toBe(200);
    const written = await batch(h, [
      { id: 'r-1', sku: 'sku123', location: 'surprise', onHand: 27, safetyStockCount: 10 },
      { id: 'r-2', sku: 'sku123', location: 'wickenburg', onHand: 50, safetyStockCount: 20 },
      { id: 'r-3', sku: 'sku7', location: 'surprise', onHand: 5 },
    ]);
    expect(written.statusCode, written.body).toBe(204);
    const segmented = await h.request(
      'POST',
      `/inventory/availability/v1/organizations/${ENV}/product-segmentation/actions/batch-update`,
      { groups: [{ groupId: 'arizona', mode: 'APPEND', skus: ['sku7'] }] },
    );
    expect(segmented.statusCode, segmented.body).toBe(204);
    const reserved = await h.request('PUT', `${RES(ENV)}/reservation-documents/order-1`, {
      groups: [{ id: 'arizona', reservations: [{ sku: 'sku123', quantity: 5 }] }],
    });
    expect(reserved.statusCode, reserved.body).toBe(200);
  });
  afterAll(async () => {
    await h.close();
  });

  it('the copy has the graph, safety stock, segmentation and reservations of the original', async () => {
    const { summary, imported } = await exportImport(h, ENV, COPY);
    // The graph, 2 safety stock rows, 1 exclusion, 3 record outcomes.
    expect(summary.oci).toBe(7);
    expect(imported.counts.oci).toBe(7);
    const graphOf = async (env: string) =>
      (await h.request('GET', `/inventory/impex/v1/organizations/${env}/location-graph`)).json();
    expect(await graphOf(COPY)).toEqual(await graphOf(ENV));
    expect(await graphOf(COPY)).toMatchObject({ version: 2 });
    for (const body of [
      { sku: 'sku123', group: 'arizona' },
      { skus: ['sku7', 'sku123'], groups: ['arizona'], locations: ['surprise', 'wickenburg', 'warehouse5'] },
    ]) {
      const [original, copy] = [
        await availability(h, body),
        (await h.request('POST', `${AV_COPY}/availability-records/actions/get-availability`, body)).json(),
      ];
      expect(copy).toEqual(original.body);
    }
    const group = (
      await h.request('POST', `${AV_COPY}/availability-records/actions/get-availability`, {
        skus: ['sku7', 'sku123'],
        groups: ['arizona'],
      })
    ).json() as {
      groups: { records: { sku: string; atf: number; reserved: number; safetyStockCount: number }[] }[];
    };
    expect(group.groups[0]?.records.map((r) => [r.sku, r.atf, r.reserved, r.safetyStockCount])).toEqual([
      ['sku7', 0, 0, 0],
      ['sku123', 42, 5, 30],
    ]);
  });

  it('the copy recognises record ids and reservations from before the move', async () => {
    // The same record id and SKU with another body: answered as applied, nothing changes.
    const retry = await h.request('POST', `${AV_COPY}/availability-records/actions/batch-update`, {
      records: [{ id: 'r-1', sku: 'sku123', location: 'surprise', onHand: 1 }],
    });
    expect(retry.statusCode, retry.body).toBe(204);
    const at = async () =>
      (
        await h.request('POST', `${AV_COPY}/availability-records/actions/get-availability`, {
          skus: ['sku123'],
          locations: ['surprise'],
        })
      ).json() as { locations: { records: { onHand: number }[] }[] };
    expect((await at()).locations[0]?.records[0]?.onHand).toBe(27);
    // The reservation created before the move: the same id again answers its first answer; cancel releases it.
    const again = await h.request('PUT', `${RES(COPY)}/reservation-documents/order-1`, {
      groups: [{ id: 'arizona', reservations: [{ sku: 'sku123', quantity: 5 }] }],
    });
    expect(again.statusCode).toBe(200);
    const cancel = await h.request('PATCH', `${RES(COPY)}/reservation-documents/order-1`, {
      status: 'CANCELLED',
    });
    expect(cancel.statusCode, cancel.body).toBe(204);
    const group = (
      await h.request('POST', `${AV_COPY}/availability-records/actions/get-availability`, {
        sku: 'sku123',
        group: 'arizona',
      })
    ).json() as {
      groups: { records: { groupReserved: number }[] }[];
    };
    expect(group.groups[0]?.records[0]?.groupReserved).toBe(0);
  });

  it('an interrupted import leaves no OCI rows behind once cleaned up', async () => {
    const store = h.services.store;
    await store.oci.setSafetyStock(
      'ghost',
      [{ locationId: 'l1', sku: 's1', quantity: 1_000_000n }],
      new Date().toISOString(),
    );
    await store.oci.changeExclusions('ghost', [{ groupId: 'g1', sku: 's1', excluded: true }]);
    expect(await store.oci.listSafetyStock('ghost')).toHaveLength(1);
    expect(await store.deleteOrphanedData('ghost')).toBe(true);
    expect(await store.oci.listSafetyStock('ghost')).toEqual([]);
    expect(await store.oci.listExclusions('ghost')).toEqual([]);
  });
});
