import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ARIZONA, batch, ENV, IMPEX } from './oci-helpers.js';

interface Entry {
  kind: string;
  position: number;
  partitionId: string;
  reference: string | null;
  eventId: string | null;
  changes: unknown[];
  availability: unknown[];
}

/**
 * A location graph replacement is an entry of the change feed (kind `oci.graph`, like
 * configuration.updated: no changes, take a new snapshot), committed with the graph; a refused upload
 * records nothing (docs/feed.md, docs/oci.md).
 */
describe.each(testBackends())('a location graph replacement in the change feed on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
  });
  afterAll(async () => {
    await h.close();
  });

  const feed = async (query = '') => {
    const response = await h.request('GET', `/api/environment/${ENV}/feed${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { entries: Entry[]; next: string };
  };

  it('records each replacement with its version, and followers filtering by product see it', async () => {
    const start = (await feed()).next;
    const first = await h.request('PUT', `${IMPEX}/location-graph`, ARIZONA);
    expect(first.statusCode).toBe(200);
    expect((await batch(h, [{ id: 'g-1', sku: 'sku123', location: 'surprise', onHand: 3 }])).statusCode).toBe(
      204,
    );
    const second = await h.request('PUT', `${IMPEX}/location-graph`, {
      ...ARIZONA,
      groups: [{ id: 'arizona', locations: ['surprise'] }],
    });
    expect(second.statusCode).toBe(200);
    const { entries } = await feed(`?after=${start}`);
    const graphs = entries.filter((e) => e.kind === 'oci.graph');
    expect(
      graphs.map(({ kind, partitionId, reference, eventId, changes, availability }) => ({
        kind,
        partitionId,
        reference,
        eventId,
        changes,
        availability,
      })),
    ).toEqual([
      {
        kind: 'oci.graph',
        partitionId: '',
        reference: 'graph-1',
        eventId: null,
        changes: [],
        availability: [],
      },
      {
        kind: 'oci.graph',
        partitionId: '',
        reference: 'graph-2',
        eventId: null,
        changes: [],
        availability: [],
      },
    ]);
    // The ledger keeps what it was: the version and the graph's size.
    const ledger = await h.services.store.readLedgerByReference(ENV, 'graph-2', 10);
    expect(ledger.map((e) => [e.kind, e.request, e.outcome])).toEqual([
      ['oci.graph', { ociGraphVersion: 2, locations: 3, groups: 1 }, { ociGraphVersion: 2 }],
    ]);
    // In commit order with the writes between them.
    expect(entries.map((e) => e.kind).indexOf('onhand.set')).toBeGreaterThan(
      entries.indexOf(graphs[0] as Entry),
    );
    expect(entries.indexOf(graphs[1] as Entry)).toBe(entries.length - 1);
    // Environment-wide: a follower of one product sees it too, as configuration.updated.
    const ofProduct = await feed(`?after=${start}&productId=other-sku`);
    expect(ofProduct.entries.map((e) => e.kind)).toEqual(['oci.graph', 'oci.graph']);
  });

  it('records nothing for an upload that is refused', async () => {
    const from = (await feed()).next;
    const reserved = await h.request(
      'PUT',
      `/inventory/reservation/v1/organizations/${ENV}/reservation-documents/hold-1`,
      {
        groups: [{ id: 'arizona', reservations: [{ sku: 'sku123', quantity: 1 }] }],
      },
    );
    expect(reserved.statusCode).toBe(200);
    const after = (await feed(`?after=${from}`)).next;
    for (const body of [{ locations: ['surprise'], groups: [] }, { locations: ['surprise', 'surprise'] }]) {
      const refused = await h.request('PUT', `${IMPEX}/location-graph`, body);
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    }
    expect((await feed(`?after=${after}`)).entries).toEqual([]);
    const graph = await h.request('GET', `${IMPEX}/location-graph`);
    expect(graph.json()).toMatchObject({ version: 2 });
  });
});
