import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { connect, salesforceToken, uploadFile } from './connect-helpers.js';

/*
 * The Connect routes at OCI's longest ids: location and group identifiers and action request ids of
 * 128 characters, a SKU of 250 multi-byte characters (750 UTF-8 bytes). The update's holds
 * (`oci~{reservationId}~u{n}~{i}`) and the records' event ids stay within IV's limits (docs/oci.md,
 * "Internal ids").
 */
const ENV = 'oms';
const LOC = `l${'-'.repeat(126)}l`;
const GROUP = `g${'_'.repeat(126)}g`;
const SKU = 'é'.repeat(125) + '商'.repeat(125);
const id = (prefix: string) => prefix.padEnd(128, '0');
const ACTIONS = '/reservation/actions';

describe.each([apiBackend()])('OCI Connect at the longest ids on %s', (backend) => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    token = await salesforceToken(
      h,
      await h.services.auth.createClient({ environments: [ENV], role: 'write' }),
    );
    const graph = { locations: [LOC], groups: [{ id: GROUP, locations: [LOC] }] };
    const uploaded = await uploadFile(
      h,
      token,
      '/location-graph/uploads',
      Buffer.from(JSON.stringify(graph)),
    );
    expect(uploaded.statusCode, uploaded.body).toBe(200);
  });
  afterAll(() => h.close());

  it('sets stock, reserves, updates (repeated) and reads availability', async () => {
    expect(SKU).toHaveLength(250);
    const set = await connect(h, token, 'POST', '/availability-records/actions/batch-update', {
      records: [{ actionRequestId: id('set'), stockKeepingUnit: SKU, locationIdentifier: LOC, onHand: 10 }],
    });
    expect(set.json(), set.body).toEqual({ success: true, errors: [] });
    const created = await connect(h, token, 'POST', `${ACTIONS}/reservations`, {
      actionRequestId: id('order'),
      createRecords: [{ locationGroupIdentifier: GROUP, stockKeepingUnit: SKU, quantity: 4 }],
    });
    expect(created.json().success, created.body).toBe(true);
    const raise = {
      actionRequestId: id('raise'),
      reservationId: id('order'),
      updateRecords: [{ locationGroupIdentifier: GROUP, stockKeepingUnit: SKU, quantity: 6 }],
    };
    const updated = await connect(h, token, 'POST', `${ACTIONS}/update`, raise);
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({
      success: true,
      details: [{ locationGroupIdentifier: GROUP, stockKeepingUnit: SKU, quantity: 6, adjustment: 2 }],
    });
    const again = await connect(h, token, 'POST', `${ACTIONS}/update`, raise);
    expect(again.json()).toEqual(updated.json());
    const read = await connect(
      h,
      token,
      'POST',
      '/availability/availability-records/actions/get-availability',
      {
        stockKeepingUnit: SKU,
        locationGroupIdentifier: GROUP,
      },
    );
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().locationGroups[0].inventoryRecords[0]).toMatchObject({ onHand: 10, reserved: 6 });

    const ledger = await h.services.store.readLedger(ENV, 0, 10_000);
    for (const entry of ledger) expect([...(entry.eventId ?? '')].length).toBeLessThanOrEqual(256);
    const holds = ledger.flatMap((e) =>
      ((e.request as { holds?: { recordId: string }[] } | null)?.holds ?? []).map((x) => x.recordId),
    );
    expect(holds.length).toBeGreaterThan(1);
    for (const hold of holds) expect([...hold].length).toBeLessThanOrEqual(256);
  });

  it('imports a CSV upload of records at the longest ids, twice the same SKU under another recordId', async () => {
    const csv = [
      'sku,locationId,recordId,onHand',
      `${SKU},${LOC},${id('csv-1')},3`,
      `${SKU},${LOC},${id('csv-2')},4`,
    ];
    const sent = await uploadFile(
      h,
      token,
      '/availability-records/uploads',
      Buffer.from(csv.join('\n')),
      'stock.csv',
      '/services/data/v63.0/commerce/oci',
    );
    expect(sent.statusCode, sent.body).toBe(200);
    const { uploadId } = sent.json() as { uploadId: string };
    await h.services.engine.jobRunner.runPending();
    const status = await connect(h, token, 'GET', `/availability-records/uploads/${uploadId}`);
    expect(status.json()).toMatchObject({
      status: 'COMPLETED',
      recordsProcessedCount: 2,
      recordsSkippedCount: 0,
    });
    const read = await connect(
      h,
      token,
      'POST',
      '/availability/availability-records/actions/get-availability',
      {
        stockKeepingUnits: [SKU],
        locationIdentifiers: [LOC],
      },
    );
    expect(read.json().locations[0].inventoryRecords[0]).toMatchObject({ onHand: 4 });
    const ledger = await h.services.store.readLedger(ENV, 0, 10_000);
    const imported = ledger.filter((e) => e.eventId?.startsWith('oci~sha256~'));
    expect(imported).toHaveLength(2);
  });
});
