import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRecordApplier } from '../../../src/engine/oci/imports/model-record-applier.js';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { IMPORTS, initiate, upload } from './oci-import-helpers.js';

/*
 * Records at OCI's longest ids (recordId 128 characters, SKU 250, multi-byte too) import: their IV
 * event id `oci~{importId}~{recordId}~{sku}` would pass IV's 256 characters, so it becomes
 * `oci~sha256~` and the hash of the composed id (docs/oci.md, "Internal ids"); short ones keep theirs.
 */
const RECORD_ID = 'r'.repeat(128);
const ASCII_SKU = `long-sku-${'x'.repeat(241)}`;
/** 250 characters of three UTF-8 bytes each (750 bytes): the most bytes a SKU can take. */
const WIDE_SKU = '商'.repeat(250);

const hashed = (composed: string) =>
  `oci~sha256~${createHash('sha256').update(composed, 'utf8').digest('base64url')}`;

async function onHand(h: Harness, sku: string, location: string): Promise<number> {
  const q = new URLSearchParams({
    organizationId: 'usmf',
    productId: sku,
    siteId: location,
    locationId: location,
  });
  const rows = (await h.request('GET', `/api/environment/test/onhand?${q}`)).json() as {
    quantities: { iom?: { onhand?: number } };
  }[];
  return rows.reduce((sum, r) => sum + Number(r.quantities.iom?.onhand ?? 0), 0);
}

describe.each([apiBackend()])('OCI imports of records with the longest ids (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  it('applies every record, hashing only the event ids too long for IV, and a re-run changes nothing', async () => {
    const started = await initiate(h);
    const records = [
      { recordId: RECORD_ID, sku: ASCII_SKU, locationId: 'loc-1', onHand: 5 },
      { recordId: RECORD_ID, sku: WIDE_SKU, locationId: 'loc-2', onHand: 7.5 },
      { recordId: 'short', sku: 'sku-short', locationId: 'loc-3', onHand: 2 },
    ];
    const file = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
    expect((await upload(h, started.uploadLink, Buffer.from(file))).statusCode).toBe(200);
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);
    const status = (await h.request('GET', started.importStatusLink)).json();
    expect(status).toMatchObject({ status: 'COMPLETED' });
    expect(status.import).toMatchObject({ recordsProcessedCount: 3, recordsSkippedCount: 0 });
    expect(await onHand(h, ASCII_SKU, 'loc-1')).toBe(5);
    expect(await onHand(h, WIDE_SKU, 'loc-2')).toBe(7.5);
    expect(await onHand(h, 'sku-short', 'loc-3')).toBe(2);

    const ledger = await h.services.store.readLedger('test', 0, 10_000);
    const ids = ledger
      .map((e) => e.eventId)
      .filter((id) => id?.includes(started.importId) || id?.startsWith('oci~sha256~'));
    const { importId } = started;
    expect(ids).toEqual(
      expect.arrayContaining([
        hashed(`oci~${importId}~${RECORD_ID}~${ASCII_SKU}`),
        hashed(`oci~${importId}~${RECORD_ID}~${WIDE_SKU}`),
        `oci~${importId}~short~sku-short`,
      ]),
    );
    for (const id of ids) expect(id?.length).toBeLessThanOrEqual(256);

    // The same batch applied again (an import resumed after a crash): the same event ids answer their
    // first outcomes, so nothing is refused and nothing counts twice.
    const { engine } = h.services;
    const applier = new ModelRecordApplier(
      engine.environments,
      engine.oci.graphs,
      engine.oci.updates,
      (e, s, i) => engine.setOnHand(e, s, i),
    );
    const before = (await h.services.store.readLedger('test', 0, 10_000)).length;
    const again = await applier.apply(
      'test',
      importId,
      records.map((r) => ({ id: r.recordId, sku: r.sku, locationId: r.locationId, onHand: r.onHand })),
    );
    expect(again).toEqual([null, null, null]);
    expect((await h.services.store.readLedger('test', 0, 10_000)).length).toBe(before);
    expect(await onHand(h, WIDE_SKU, 'loc-2')).toBe(7.5);

    const result = await h.request('GET', `${IMPORTS}/${importId}/file-content`);
    expect(
      result.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ status: 'COMPLETED_WITHOUT_ERRORS' }]);
  });
});
