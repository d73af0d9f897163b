import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ARIZONA, availability, batch, ENV, IMPEX, recordsOf, uploadGraph } from './oci-helpers.js';

const put = (h: Harness, graph: unknown) => h.request('PUT', `${IMPEX}/location-graph`, graph);

describe.each(testBackends())('the OCI location graph on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV, 'other'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each([
    ['a location twice', { locations: ['aa', 'aa'] }, 'DuplicateLocationId', '/locations/1'],
    [
      'a group twice',
      {
        locations: ['aa'],
        groups: [
          { id: 'gg', locations: ['aa'] },
          { id: 'gg', locations: ['aa'] },
        ],
      },
      'DuplicateGroupId',
      '/groups/1/id',
    ],
    [
      'a group id that is a location id',
      { locations: ['aa'], groups: [{ id: 'aa', locations: ['aa'] }] },
      'InvalidGroupId',
      '/groups/0/id',
    ],
    [
      'an empty group',
      { locations: ['aa'], groups: [{ id: 'gg', locations: [] }] },
      'GroupMustNotBeEmpty',
      '/groups/0/locations',
    ],
    [
      'a member the graph lacks',
      { locations: ['aa'], groups: [{ id: 'gg', locations: ['bb'] }] },
      'LocationDoesNotExist',
      '/groups/0/locations/0',
    ],
    [
      'a member twice',
      { locations: ['aa'], groups: [{ id: 'gg', locations: ['aa', 'aa'] }] },
      'DuplicateLocationId',
      '/groups/0/locations/1',
    ],
    ['a location id of one character', { locations: ['a'] }, 'InvalidRequestParameter', '/locations/0'],
    ['a location id with a dot', { locations: ['a.b'] }, 'InvalidRequestParameter', '/locations/0'],
    [
      'a location id of 129 characters',
      { locations: ['x'.repeat(129)] },
      'InvalidRequestParameter',
      '/locations/0',
    ],
    [
      'a group id of one character',
      { locations: ['aa'], groups: [{ id: 'g', locations: ['aa'] }] },
      'InvalidRequestParameter',
      '/groups/0/id',
    ],
    [
      'two locations on one IV place',
      { locations: ['aa', { id: 'bb', iv: { organizationId: 'usmf', siteId: 'aa', locationId: 'aa' } }] },
      'DuplicateLocationId',
      '/locations/1',
    ],
    ['no locations field', { groups: [] }, 'MissingParameter', '/locations'],
  ])('refuses %s, changing nothing', async (_what, graph, errorCode, parameterName) => {
    const response = await put(h, graph);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ errorCode, parameterName });
    const exported = await h.request('POST', `${IMPEX}/location-graph/exports`);
    expect(exported.json()).toMatchObject({ exportId: 'graph-0' });
  });

  it('replaces the whole graph; the export follows, and an old export is gone', async () => {
    expect(await uploadGraph(h, ARIZONA)).toEqual({ version: 1, locations: 3, groups: 1 });
    const file = await h.request('GET', `${IMPEX}/location-graph/exports/graph-1/file-content`);
    expect(file.json()).toEqual(ARIZONA);
    const status = await h.request('GET', `${IMPEX}/location-graph/exports/graph-1/status`);
    expect(status.json()).toMatchObject({
      id: 'graph-1',
      status: 'COMPLETED',
      export: { recordsExportedCount: 4 },
    });
    const next = {
      locations: ['surprise', 'tucson'],
      groups: [{ id: 'south', locations: ['tucson', 'surprise'] }],
    };
    expect(await uploadGraph(h, next)).toEqual({ version: 2, locations: 2, groups: 1 });
    const old = await h.request('GET', `${IMPEX}/location-graph/exports/graph-1/file-content`);
    expect(old.statusCode).toBe(410);
    expect(old.json()).toMatchObject({ errorCode: 'ExpiredResultLink' });
    const missing = await h.request('GET', `${IMPEX}/location-graph/exports/graph-9/status`);
    expect(missing.statusCode).toBe(404);
    expect((await h.request('GET', `${IMPEX}/location-graph/exports/graph-2/file-content`)).json()).toEqual(
      next,
    );
    const gone = await availability(h, { skus: ['sku1'], groups: ['arizona'] });
    expect(gone.body).toMatchObject({ errorCode: 'GroupDoesNotExist' });
    // Another environment's graph is its own.
    const other = await h.request('POST', '/inventory/impex/v1/organizations/other/location-graph/exports');
    expect(other.json()).toMatchObject({ exportId: 'graph-0' });
  });

  it('maps a location onto its IV place: the default rule, or the override', async () => {
    await uploadGraph(h, {
      ivOrganizationId: 'contoso',
      locations: [
        'store-a',
        { id: 'store-b', iv: { organizationId: 'usmf', siteId: '1', locationId: '11' } },
      ],
    });
    const post = (productId: string, organizationId: string, siteId: string, locationId: string) =>
      h.request('POST', `/api/environment/${ENV}/onhand`, {
        id: `map-${organizationId}-${productId}-${siteId}`,
        organizationId,
        productId,
        dimensions: { siteId, locationId, colorId: 'red' },
        quantities: { iom: { onhand: 4 } },
      });
    expect((await post('sku-map', 'contoso', 'store-a', 'store-a')).statusCode).toBe(200);
    expect((await post('sku-map', 'usmf', '1', '11')).statusCode).toBe(200);
    expect((await post('sku-map', 'usmf', 'store-a', 'store-a')).statusCode).toBe(200);
    // GET …/location-graph (extension) shows each location with the IV place it stands for.
    const kept = await h.request('GET', `${IMPEX}/location-graph`);
    expect(kept.json()).toMatchObject({
      ivOrganizationId: 'contoso',
      locations: [
        { id: 'store-a', iv: { organizationId: 'contoso', siteId: 'store-a', locationId: 'store-a' } },
        { id: 'store-b', iv: { organizationId: 'usmf', siteId: '1', locationId: '11' } },
      ],
      groups: [],
    });
    const { body } = await availability(h, { skus: ['sku-map'], locations: ['store-a', 'store-b'] });
    expect(recordsOf(body, 'locations', 'store-a')).toMatchObject([{ onHand: 4 }]);
    expect(recordsOf(body, 'locations', 'store-b')).toMatchObject([{ onHand: 4 }]);
    const written = await batch(h, [{ id: 'map-1', sku: 'sku-map', location: 'store-b', onHand: 10 }]);
    expect(written.statusCode).toBe(204);
    // The count set the row without further dimensions; the coloured row still counts.
    const after = await availability(h, { skus: ['sku-map'], locations: ['store-b'] });
    expect(recordsOf(after.body, 'locations', 'store-b')).toMatchObject([{ onHand: 14 }]);
  });

  it('refuses a graph dropping a group that reservations depend on (the seam)', async () => {
    await uploadGraph(h, ARIZONA);
    const graphs = h.services.engine.oci.graphs;
    const before = graphs.dependents;
    graphs.dependents = async (_env, groups) => groups.filter((g) => g === 'arizona');
    try {
      const refused = await put(h, { locations: ['surprise'] });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ errorCode: 'IllegalGroupState' });
      expect((await put(h, { ...ARIZONA, locations: [...ARIZONA.locations, 'tucson'] })).statusCode).toBe(
        200,
      );
    } finally {
      graphs.dependents = before;
    }
  });
});
