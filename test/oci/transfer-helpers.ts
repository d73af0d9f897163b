import { exportEnvironment } from '../../src/engine/transfer/export-environment.js';
import { importEnvironment } from '../../src/engine/transfer/import-environment.js';
import type { Harness } from '../support/harness.js';

/** The environment `from` as `onhand export` writes it (small pages, so that paging is exercised). */
export async function exportText(h: Harness, from: string) {
  let text = '';
  const summary = await exportEnvironment(
    h.services.store,
    from,
    (chunk) => {
      text += chunk;
    },
    { pageSize: 2 },
  );
  return { summary, text };
}

/** Imports an export file's text into the new environment `to`, as `onhand import` does. */
export async function importText(h: Harness, text: string, to: string) {
  async function* lines() {
    yield* text.split('\n');
  }
  return importEnvironment(h.services.store, lines, { environmentId: to, batchSize: 3 });
}

/** The on hand OCI get-availability answers for `sku` at location `surprise` of environment `env`. */
export async function onHandAtSurprise(h: Harness, env: string, sku: string) {
  const res = await h.request(
    'POST',
    `/inventory/availability/v1/organizations/${env}/availability-records/actions/get-availability`,
    { skus: [sku], locations: ['surprise'] },
  );
  return (res.json() as { locations: { records: { onHand: number }[] }[] }).locations[0]?.records[0]?.onHand;
}
