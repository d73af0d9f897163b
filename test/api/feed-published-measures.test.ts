import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

/** docs/feed.md, "Published measures": the `feedConfiguration.publishedMeasures` extension, over HTTP. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ environments: ['published'] });
});
afterAll(() => h.close());

const E = '/api/environment/published';

interface Availability {
  indexSet?: number;
  quantities: Record<string, Record<string, number>>;
}

async function feedAfter(
  after: string,
): Promise<{ entries: { availability: Availability[] }[]; next: string }> {
  const response = await h.request('GET', `${E}/feed?after=${after}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Writes `quantities` for the red T-shirt and answers the availability of its feed entry. */
async function availabilityAfter(id: string, quantities: Record<string, number>): Promise<Availability[]> {
  const { next } = await feedAfter('0');
  const written = await h.request(
    'POST',
    `${E}/onhand`,
    tshirtEvent(id, { quantities: { pos: quantities } }),
  );
  expect(written.statusCode, written.body).toBe(200);
  const { entries } = await feedAfter(next);
  expect(entries).toHaveLength(1);
  return entries[0]?.availability ?? [];
}

const configuration = async () => (await h.request('GET', `${E}/configuration`)).json();

describe("an environment's published measures", () => {
  it('by default, are the measures that guard writes', async () => {
    const availability = await availabilityAfter('p-1', { inbound: 5 });
    expect(availability.length).toBeGreaterThan(0);
    for (const level of availability) {
      expect(Object.keys(level.quantities).sort()).toEqual(['@iv', 'iv']);
      expect(Object.keys(level.quantities.iv ?? {})).toEqual(['availabletoreserve']);
      expect(Object.keys(level.quantities['@iv'] ?? {})).toEqual(['@available_to_allocate']);
    }
  });

  it('are exactly those the configuration names, physical or calculated', async () => {
    const config = await configuration();
    const updated = await h.request('POST', `${E}/configuration/hardupdate`, {
      ...config,
      feedConfiguration: { publishedMeasures: ['pos.inbound', 'pos.availquantity'] },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    const availability = await availabilityAfter('p-2', { outbound: 2 });
    // The full tuple and the index set's level: at each, only the two measures named.
    expect(availability.map((level) => level.indexSet)).toEqual([undefined, 1]);
    for (const level of availability) {
      expect(level.quantities).toEqual({ pos: { inbound: 5, availquantity: 3 } });
    }
  });

  it('refuses a reference to an unknown measure with unknown_measure_reference, changing nothing', async () => {
    const before = await configuration();
    const { next } = await feedAfter('0');
    const refused = await h.request('POST', `${E}/configuration/hardupdate`, {
      ...before,
      feedConfiguration: { publishedMeasures: ['pos.inbound', 'pos.nope'] },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('invalid_configuration');
    expect(refused.json().details).toContainEqual(
      expect.objectContaining({
        code: 'unknown_measure_reference',
        path: '/feedConfiguration/publishedMeasures/1',
      }),
    );
    expect(await configuration()).toEqual(before);
    // No configuration.updated entry, and entries still carry the measures configured before.
    expect((await feedAfter(next)).entries).toEqual([]);
    const availability = await availabilityAfter('p-3', { inbound: 1 });
    expect(availability[0]?.quantities).toEqual({ pos: { inbound: 6, availquantity: 4 } });
  });
});
