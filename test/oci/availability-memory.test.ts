import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { AV, batch, daysAhead, ENV, enableFutures, uploadGraph } from './oci-helpers.js';
import { post, RES, SHARED } from './reservation-helpers.js';

/**
 * get-availability answered from memory (engine/oci/reads) equals the database's answer, exactly, after
 * random mixes of IV changes and schedules, OCI counts (some stale), safety stock, futures,
 * reservations, releases, transfers, fulfilments, product segmentation and location graph changes.
 * Deterministic pseudo-random sequence.
 */
const SKUS = ['m-1', 'm-2', 'm-3', 'm-4'];
const LOCATIONS = ['L1', 'L2', 'L3', 'L4'];
/** Graphs the sequence switches between: L4 joins GA, L1 leaves it, a group appears. */
const GRAPHS = [
  SHARED,
  {
    locations: ['L1', 'L2', 'L3', 'L4'],
    groups: [
      { id: 'GA', locations: ['L1', 'L2', 'L4'] },
      { id: 'GB', locations: ['L2', 'L3'] },
    ],
  },
  {
    locations: ['L1', 'L2', 'L3', 'L4', 'L5'],
    groups: [
      { id: 'GA', locations: ['L2', 'L4'] },
      { id: 'GB', locations: ['L2', 'L3'] },
      { id: 'GC', locations: ['L1', 'L5'] },
    ],
  },
];

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe.each(testBackends())('OCI get-availability from memory on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await enableFutures(h);
    await uploadGraph(h, SHARED);
  });
  afterAll(async () => {
    await h.close();
  });

  /** The answer from memory and the database's answer (memory set aside), as sent, for one request. */
  async function both(input: { skus: string[]; locations?: string[]; groups?: string[] }) {
    const { availability } = h.services.engine.oci;
    const path = `${AV}/availability-records/actions/get-availability`;
    const memoryBefore = availability.served.memory;
    const response = await h.request('POST', path, input);
    const fromMemory = availability.served.memory > memoryBefore;
    const memory = availability.memory;
    availability.memory = undefined;
    try {
      const database = await h.request('POST', path, input);
      return { response, database, fromMemory };
    } finally {
      availability.memory = memory;
    }
  }

  it('equals the database answer after random writes of every kind', async () => {
    const next = random(11);
    const choose = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const { availability } = h.services.engine.oci;
    // The views start on the first read; wait until they answer.
    for (let i = 0; i < 100 && availability.served.memory === 0; i++) {
      await h.request('POST', `${AV}/availability-records/actions/get-availability`, {
        skus: SKUS,
        locations: LOCATIONS,
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(availability.served.memory).toBeGreaterThan(0);
    let graph = 0;
    let compared = 0;
    for (let step = 0; step < 90; step++) {
      const sku = choose(SKUS);
      const location = choose(LOCATIONS);
      const kind = next();
      let status = 0;
      if (kind < 0.15) {
        const r = await h.request('POST', `/api/environment/${ENV}/onhand`, {
          id: `iv-${step}`,
          organizationId: 'usmf',
          productId: sku,
          dimensions: { siteId: location, locationId: location, colorId: choose(['red', 'blue']) },
          quantities: { iom: { onhand: Math.floor(next() * 10) - 3 } },
        });
        status = r.statusCode;
      } else if (kind < 0.22) {
        const r = await h.request('POST', `/api/environment/${ENV}/onhand/changeschedule`, {
          id: `iv-s-${step}`,
          organizationId: 'usmf',
          productId: sku,
          dimensions: { siteId: location, locationId: location },
          quantitiesByDate: { [daysAhead(1 + Math.floor(next() * 4)).slice(0, 10)]: { iom: { onhand: 2 } } },
        });
        status = r.statusCode;
      } else if (kind < 0.45) {
        const field = next();
        const record =
          field < 0.4
            ? {
                id: `c-${step}`,
                sku,
                location,
                onHand: Math.floor(next() * 20),
                // Some counts name a time before the last one: stale, left alone (effectiveDate stays).
                effectiveDate: new Date(Date.UTC(2026, 0, 1 + Math.floor(next() * 20))).toISOString(),
              }
            : field < 0.7
              ? { id: `c-${step}`, sku, location, safetyStockCount: Math.floor(next() * 4) }
              : {
                  id: `c-${step}`,
                  sku,
                  location,
                  futureStock: [{ quantity: 1 + Math.floor(next() * 5), expectedDate: daysAhead(2) }],
                };
        status = (await batch(h, [record])).statusCode === 204 ? 200 : 500;
      } else if (kind < 0.6) {
        const at =
          next() < 0.5
            ? { groups: [{ id: choose(['GA', 'GB']), reservations: [{ sku, quantity: 1 }] }] }
            : { locations: [{ id: location, reservations: [{ sku, quantity: 1 }] }] };
        const r = await h.request('PUT', `${RES}/reservation-documents/r-${step}`, at);
        status = r.statusCode;
      } else if (kind < 0.72) {
        const action = choose(['releases', 'fulfillments', 'transfers'] as const);
        const record =
          action === 'transfers'
            ? { id: `t-${step}`, sku, quantity: 1, from: { group: choose(['GA', 'GB']) }, to: { location } }
            : action === 'releases'
              ? { id: `t-${step}`, sku, quantity: 1, group: choose(['GA', 'GB']) }
              : { id: `t-${step}`, sku, quantity: 1, location };
        const r = await post(h, action, { records: [record] });
        status = r.status === 204 || r.status === 200 ? 200 : r.status;
      } else if (kind < 0.85) {
        const r = await h.request('POST', `${AV}/product-segmentation/actions/batch-update`, {
          groups: [
            { groupId: choose(['GA', 'GB', '*']), mode: next() < 0.5 ? 'APPEND' : 'DELETE', skus: [sku] },
          ],
        });
        status = r.statusCode === 204 || r.statusCode === 200 ? 200 : r.statusCode;
      } else {
        graph = (graph + 1) % GRAPHS.length;
        const r = await h.request(
          'PUT',
          `/inventory/impex/v1/organizations/${ENV}/location-graph`,
          GRAPHS[graph],
        );
        // A graph that drops a group still holding reservations is refused (409): keep the current one.
        if (r.statusCode === 409) graph = (graph + GRAPHS.length - 1) % GRAPHS.length;
        status = r.statusCode === 409 ? 200 : r.statusCode;
      }
      expect(status, `step ${step}`).toBe(200);
      const groups = (GRAPHS[graph]?.groups ?? []).map((g) => g.id);
      const inputs = [
        { skus: SKUS, locations: GRAPHS[graph]?.locations ?? LOCATIONS, groups },
        { skus: [sku], locations: [location], groups: [choose(groups)] },
      ];
      for (const input of inputs) {
        const { response, database, fromMemory } = await both(input);
        expect(response.statusCode, response.body).toBe(200);
        expect(response.headers['onhand-position']).toMatch(/^\d+$/);
        expect(fromMemory, `step ${step}: answered from memory`).toBe(true);
        expect(database.statusCode).toBe(200);
        expect(response.body, `step ${step} ${JSON.stringify(input)}`).toBe(database.body);
        compared += 1;
      }
    }
    expect(compared).toBe(180);
  }, 300_000);

  it("takes the IV reads' opt-in headers: a position or commit token, bounded; a bad value is refused", async () => {
    const path = `${AV}/availability-records/actions/get-availability`;
    const body = { skus: ['m-1'], locations: ['L2'] };
    const write = await batch(h, [{ id: 'hdr-1', sku: 'm-1', location: 'L2', onHand: 77 }]);
    expect(write.statusCode).toBe(204);
    const plain = await h.request('POST', path, body);
    const position = Number(plain.headers['onhand-position']);
    expect(position).toBeGreaterThan(0);
    for (const headers of [
      { 'onhand-min-position': String(position) },
      { 'onhand-consistency': 'bounded' },
    ]) {
      const answer = await h.request('POST', path, body, { headers });
      expect(answer.statusCode).toBe(200);
      expect(Number(answer.headers['onhand-position'])).toBeGreaterThanOrEqual(position);
      expect(answer.body).toBe(plain.body);
    }
    const bad = await h.request('POST', path, body, { headers: { 'onhand-consistency': 'eventual' } });
    expect([bad.statusCode, (bad.json() as { errorCode: string }).errorCode]).toEqual([
      400,
      'InvalidRequestParameter',
    ]);
  });
});
