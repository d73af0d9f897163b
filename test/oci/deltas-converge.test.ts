import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ARIZONA, AV, availability, batch, ENV, IMPEX, recordsOf, uploadGraph } from './oci-helpers.js';

/**
 * A copy kept by an export and then get-deltas (what B2C Commerce does, spec §8) equals get-availability
 * after random IV changes, OCI counts and safety stock, and product segmentation, interleaved with the
 * polls: for the group export and for a location export. Deterministic pseudo-random sequence.
 */
const SKUS = ['s-1', 's-2', 's-3', 's-4', 's-5'];
const LOCATIONS = ['surprise', 'wickenburg', 'warehouse5'];
const FIELDS = ['onHand', 'reserved', 'safetyStockCount', 'atf', 'ato'] as const;

type Copy = Map<string, Record<string, unknown>>;

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

async function startCopy(h: Harness, objects: unknown): Promise<{ copy: Copy; token: string }> {
  const started = await h.request('POST', `${IMPEX}/availability-records/exports`, { objects });
  const { exportId } = started.json() as { exportId: string };
  await h.services.engine.jobRunner.runPending();
  const file = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/file-content`);
  const copy: Copy = new Map();
  let place = '';
  let token = '';
  for (const line of file.body.trim().split('\n')) {
    const value = JSON.parse(line) as Record<string, unknown>;
    if ('locationId' in value || 'groupId' in value) place = String(value.locationId ?? value.groupId);
    else if ('deltaToken' in value) token = String(value.deltaToken);
    else copy.set(`${place}|${String(value.sku)}`, value);
  }
  return { copy, token };
}

async function follow(h: Harness, copy: Copy, token: string): Promise<string> {
  let next = token;
  for (let i = 0; i < 100; i++) {
    const answer = await h.request('POST', `${AV}/availability-records/actions/get-deltas`, {
      deltaToken: next,
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json() as {
      nextDeltaToken: string;
      shouldQueryAgain: boolean;
      records: Record<string, unknown>[];
    };
    for (const r of body.records) copy.set(`${String(r.id)}|${String(r.sku)}`, r);
    next = body.nextDeltaToken;
    if (!body.shouldQueryAgain) return next;
  }
  throw new Error('get-deltas kept asking to query again');
}

function pick(copy: Copy, key: string): Record<string, unknown> {
  const r = copy.get(key) ?? {};
  return Object.fromEntries(FIELDS.map((f) => [f, r[f] ?? 0]));
}

describe.each(testBackends())('a copy kept by export and get-deltas on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, ARIZONA);
  });
  afterAll(async () => {
    await h.close();
  });

  it('equals get-availability after random writes through both APIs', async () => {
    const next = random(7);
    const choose = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const groups = await startCopy(h, { groups: ['arizona'] });
    const locations = await startCopy(h, { locations: LOCATIONS });
    let groupToken = groups.token;
    let locationToken = locations.token;
    for (let step = 0; step < 60; step++) {
      const sku = choose(SKUS);
      const location = choose(LOCATIONS);
      const kind = next();
      if (kind < 0.35) {
        const response = await h.request('POST', `/api/environment/${ENV}/onhand`, {
          id: `iv-${step}`,
          organizationId: 'usmf',
          productId: sku,
          dimensions: { siteId: location, locationId: location },
          quantities: { iom: { onhand: Math.floor(next() * 10) - 3 } },
        });
        expect(response.statusCode).toBe(200);
      } else if (kind < 0.75) {
        const record =
          next() < 0.5
            ? { id: `oci-${step}`, sku, location, onHand: Math.floor(next() * 20) }
            : { id: `oci-${step}`, sku, location, safetyStockCount: Math.floor(next() * 5) };
        expect((await batch(h, [record])).statusCode).toBe(204);
      } else {
        const mode = next() < 0.5 ? 'APPEND' : 'DELETE';
        const response = await h.request('POST', `${AV}/product-segmentation/actions/batch-update`, {
          groups: [{ groupId: 'arizona', mode, skus: [sku] }],
        });
        expect(response.statusCode).toBe(204);
      }
      if (step % 7 === 0) {
        groupToken = await follow(h, groups.copy, groupToken);
        locationToken = await follow(h, locations.copy, locationToken);
      }
    }
    await follow(h, groups.copy, groupToken);
    await follow(h, locations.copy, locationToken);
    const now = await availability(h, { skus: SKUS, locations: LOCATIONS, groups: ['arizona'] });
    expect(now.status).toBe(200);
    for (const sku of SKUS) {
      const group = recordsOf(now.body, 'groups', 'arizona').find((r) => r.sku === sku) ?? {};
      expect(pick(groups.copy, `arizona|${sku}`), `arizona ${sku}`).toEqual(
        pick(new Map([['k', group]]), 'k'),
      );
      for (const location of LOCATIONS) {
        const record = recordsOf(now.body, 'locations', location).find((r) => r.sku === sku) ?? {};
        expect(pick(locations.copy, `${location}|${sku}`), `${location} ${sku}`).toEqual(
          pick(new Map([['k', record]]), 'k'),
        );
      }
    }
  }, 120_000);
});
