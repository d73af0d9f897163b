import type { Api } from '../api.js';
import type { OciAvailabilityView, OciGraphView } from '../checker/model.js';
import type { LedgerReader } from '../observe.js';
import { ORG } from './context.js';

/**
 * The soak's OCI location graph (docs/oci.md, "Locations and groups"): three locations standing for IV
 * partitions the other clients write too (`store-11` is site 1 location 11, where the checkouts and the
 * allocator race for the hot products; `store-12` is location 12 of the ERP's long tail; `dc-13` a place
 * only OCI stocks), in two groups that share `store-11`.
 */
export const OCI_GRAPH: OciGraphView = {
  locations: [
    { id: 'store-11', iv: { organizationId: ORG, siteId: '1', locationId: '11' } },
    { id: 'store-12', iv: { organizationId: ORG, siteId: '1', locationId: '12' } },
    { id: 'dc-13', iv: { organizationId: ORG, siteId: '1', locationId: '13' } },
  ],
  groups: [
    { id: 'web', locations: ['store-11', 'store-12'] },
    { id: 'pickup', locations: ['store-11', 'dc-13'] },
  ],
};

/** The OCI SKUs: the checkouts' hot products (an OCI SKU is the IV product id at the place). */
export const OCI_SKUS = ['HOT-1', 'HOT-2', 'HOT-3'] as const;

/** On hand each location starts with, and its safety stock (some SKUs none). */
const START: Readonly<Record<string, { onHand: number; safety: (sku: string) => number }>> = {
  'store-11': { onHand: 8, safety: () => 2 },
  'store-12': { onHand: 6, safety: (sku) => (sku === 'HOT-1' ? 1 : 0) },
  'dc-13': { onHand: 6, safety: (sku) => (sku === 'HOT-3' ? 0 : 2) },
};

export const ociPath = (api: Api, rest: string) =>
  `//inventory/${rest.replace('{org}', `organizations/${api.environmentId}`)}`;

/** Uploads the graph and the first on hand and safety stock of every SKU at every location (OCI batch-update). */
export async function prepareOci(api: Api): Promise<void> {
  const graph = await api.send({
    client: 'setup',
    op: 'oci.graph',
    method: 'PUT',
    path: ociPath(api, 'impex/v1/{org}/location-graph'),
    body: OCI_GRAPH,
  });
  if (graph.status !== 200) throw new Error(`oci graph: ${graph.status} ${JSON.stringify(graph.body)}`);
  const records = OCI_GRAPH.locations.flatMap((l) =>
    OCI_SKUS.map((sku) => ({
      id: `seed-${api.startedAt}-${l.id}-${sku}`,
      sku,
      location: l.id,
      onHand: START[l.id]!.onHand,
      safetyStockCount: START[l.id]!.safety(sku),
    })),
  );
  const seeded = await api.send({
    client: 'setup',
    op: 'oci.batch-update',
    method: 'POST',
    path: ociPath(api, 'availability/v1/{org}/availability-records/actions/batch-update'),
    body: { records },
  });
  if (seeded.status !== 204) throw new Error(`oci seed: ${seeded.status} ${JSON.stringify(seeded.body)}`);
}

interface AvailabilityAnswer {
  locations?: { id: string; records: Record<string, number>[] }[];
  groups?: { id: string; records: Record<string, number>[] }[];
}

/**
 * OCI availability of every SKU in every group (its locations and the group), with the ledger's head
 * before and after: read again until the head stayed put, so the values are those of that position.
 */
export async function readOciAvailability(
  api: Api,
  ledger: LedgerReader,
): Promise<{ position: string; records: OciAvailabilityView[] }> {
  for (let attempt = 1; ; attempt++) {
    const before = (await ledger.read()).length;
    const records: OciAvailabilityView[] = [];
    for (const sku of OCI_SKUS)
      for (const group of OCI_GRAPH.groups) {
        const answer = await api.send({
          client: 'checker',
          op: 'oci.get-availability',
          method: 'POST',
          path: ociPath(api, 'availability/v1/{org}/availability-records/actions/get-availability'),
          body: { sku, group: group.id },
        });
        if (answer.status !== 200) throw new Error(`oci availability: ${answer.status}`);
        const body = answer.body as AvailabilityAnswer;
        for (const [kind, places] of [
          ['location', body.locations ?? []],
          ['group', body.groups ?? []],
        ] as const)
          for (const p of places) {
            const r = p.records[0] ?? {};
            records.push({
              kind,
              id: p.id,
              sku,
              onHand: r.onHand ?? 0,
              reserved: r.reserved ?? 0,
              safetyStockCount: r.safetyStockCount ?? 0,
              groupReserved: r.groupReserved ?? 0,
              sharedGroupReserved: r.sharedGroupReserved ?? 0,
            });
          }
      }
    const after = await ledger.read();
    if (after.length === before || attempt >= 10) return { position: ledger.head, records };
  }
}
