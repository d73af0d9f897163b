import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

interface EntryJson {
  position: string;
  kind: string;
  eventId: string | null;
  clientId: string | null;
  partitionId: string;
  changes: { productId: string; dimensions: Record<string, string>; delta: number; measure: string }[];
  availability: {
    productId: string;
    dimensions: Record<string, string>;
    indexSet?: number;
    quantities: Record<string, Record<string, number>>;
  }[];
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ environments: ['test', 'other'] });
});
afterAll(() => h.close());

const E = '/api/environment/test';
const red = { siteId: '1', locationId: '11', colorId: 'red' };
const change = (
  id: string,
  inbound: number,
  dimensions: Record<string, string> = red,
  productId = 'T-shirt',
) => tshirtEvent(id, { productId, dimensions, quantities: { pos: { inbound } } });

async function feed(query = '', environment = E): Promise<{ entries: EntryJson[]; next: string }> {
  const response = await h.request('GET', `${environment}/feed${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { entries: EntryJson[]; next: string };
}

/** Available to reserve at the full tuple of the entry's first change. */
const atpOf = (entry: EntryJson | undefined) => entry?.availability[0]?.quantities.iv?.availabletoreserve;

describe('the change feed, pulled by position', () => {
  let start: string;

  it('starts empty apart from what happened before, and gives a position to follow from', async () => {
    start = (await feed()).next;
    expect(start).toMatch(/^\d+$/);
  });

  it('returns every write in commit order with who made it, its changes and the availability after it', async () => {
    expect((await h.request('POST', `${E}/onhand`, change('f-1', 5))).statusCode).toBe(200);
    const reserve = await h.request('POST', `${E}/onhand/reserve`, {
      id: 'f-r1',
      organizationId: 'usmf',
      productId: 'T-shirt',
      dimensions: red,
      quantities: { iv: { softreserved: 2 } },
      ifCheckAvailForReserv: true,
    });
    expect(reserve.statusCode, reserve.body).toBe(200);
    const { entries, next } = await feed(`?after=${start}`);
    expect(entries.map((e) => [e.kind, e.eventId, e.clientId])).toEqual([
      ['onhand.change', 'f-1', 'test-admin'],
      ['reservation.reserve', 'f-r1', 'test-admin'],
    ]);
    expect(entries[0]?.changes).toEqual([
      expect.objectContaining({ productId: 'T-shirt', measure: 'inbound', delta: 5 }),
    ]);
    expect(atpOf(entries[0])).toBe(5);
    expect(atpOf(entries[1])).toBe(3);
    expect(entries[0]?.availability[0]?.dimensions).toEqual({
      colorid: 'red',
      locationid: '11',
      siteid: '1',
    });
    expect(Number(entries[1]?.position)).toBeGreaterThan(Number(entries[0]?.position));
    expect(next).toBe(entries[1]?.position);
    expect((await feed(`?after=${next}`)).entries).toEqual([]);
  });

  it('pages with limit and never repeats an entry', async () => {
    await h.request('POST', `${E}/onhand/bulk`, [change('f-2', 1), change('f-3', 1), change('f-4', 1)]);
    const first = await feed(`?after=${start}&limit=2`);
    const second = await feed(`?after=${first.next}&limit=2`);
    const third = await feed(`?after=${second.next}&limit=2`);
    const ids = [...first.entries, ...second.entries, ...third.entries].map((e) => e.eventId);
    expect(ids).toEqual(['f-1', 'f-r1', 'f-2', 'f-3', 'f-4']);
  });

  it('filters by product, site, location and kind; other products are skipped but the cursor moves on', async () => {
    await h.request('POST', `${E}/onhand`, change('f-mug', 1, red, 'Mug'));
    const mugs = await feed(`?after=${start}&productId=Mug`);
    expect(mugs.entries.map((e) => e.eventId)).toEqual(['f-mug']);
    const reserves = await feed(`?after=${start}&kind=reservation.reserve`);
    expect(reserves.entries.map((e) => e.eventId)).toEqual(['f-r1']);
    const nowhere = await feed(`?after=${start}&siteId=99`);
    expect(nowhere.entries).toEqual([]);
    expect(Number(nowhere.next)).toBeGreaterThan(Number(start));
    const both = await feed(`?after=${start}&kind=onhand.change&kind=reservation.reserve&productId=Mug`);
    expect(both.entries.map((e) => e.eventId)).toEqual(['f-mug']);
    await h.request('POST', `${E}/onhand`, change('f-loc', 1, { ...red, locationId: '12' }));
    const located = await feed(`?after=${start}&locationId=12`);
    expect(located.entries.map((e) => e.eventId)).toEqual(['f-loc']);
    const elsewhere = await feed(`?after=${start}&locationId=11&productId=T-shirt`);
    expect(elsewhere.entries.map((e) => e.eventId)).toEqual(['f-1', 'f-r1', 'f-2', 'f-3', 'f-4']);
    const either = await feed(`?after=${start}&locationId=12&locationId=99&kind=onhand.change`);
    expect(either.entries.map((e) => e.eventId)).toEqual(['f-loc']);
  });

  it('passes only the entries that cross a threshold of a published measure', async () => {
    const from = (await feed()).next;
    // Sell out the blue T-shirt, then bring it back.
    const blue = { ...red, colorId: 'blue' };
    await h.request('POST', `${E}/onhand`, change('f-b1', 2, blue));
    await h.request(
      'POST',
      `${E}/onhand`,
      tshirtEvent('f-b2', { dimensions: blue, quantities: { pos: { outbound: 2 } } }),
    );
    await h.request('POST', `${E}/onhand`, change('f-b3', 4, blue));
    const back = await feed(`?after=${from}&measure=iv.availabletoreserve&above=0`);
    expect(back.entries.map((e) => e.eventId)).toEqual(['f-b1', 'f-b3']);
    const low = await feed(`?after=${from}&measure=iv.availabletoreserve&below=1`);
    expect(low.entries.map((e) => e.eventId)).toEqual(['f-b2']);
  });

  it('carries availability at each index set level as well as the full tuple', async () => {
    const { entries } = await feed(`?after=${start}&limit=1`);
    const levels = entries[0]?.availability.map(({ dimensions, indexSet }) => ({ dimensions, indexSet }));
    // The full tuple, then the default configuration's one index set (colour, size, style).
    expect(levels).toEqual([
      { dimensions: { colorid: 'red', locationid: '11', siteid: '1' }, indexSet: undefined },
      { dimensions: { colorid: 'red', locationid: '11', siteid: '1' }, indexSet: 1 },
    ]);
  });

  it('records a hard update of the configuration as an entry followers must see', async () => {
    const from = (await feed()).next;
    const config = (await h.request('GET', `${E}/configuration`)).json() as Record<string, unknown>;
    const updated = await h.request('POST', `${E}/configuration/hardupdate`, config);
    expect(updated.statusCode, updated.body).toBe(200);
    const { entries } = await feed(`?after=${from}&productId=Mug`);
    expect(entries.map((e) => e.kind)).toEqual(['configuration.updated']);
  });

  it('keeps environments apart', async () => {
    await h.request('POST', '/api/environment/other/onhand', change('o-1', 1));
    expect((await feed(`?after=${start}`)).entries.some((e) => e.eventId === 'o-1')).toBe(false);
    expect((await feed('', '/api/environment/other')).entries.map((e) => e.eventId)).toEqual(['o-1']);
  });

  it('refuses bad parameters with a stable code and changes nothing', async () => {
    for (const query of [
      '?after=abc',
      '?after=-1',
      '?limit=0',
      '?limit=1001',
      '?measure=iv.availabletoreserve',
      '?below=1',
      '?measure=x&above=nope',
      '?colour=red',
    ]) {
      const response = await h.request('GET', `${E}/feed${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(['invalid_request', 'unknown_parameter', 'invalid_quantity']).toContain(response.json().code);
    }
    expect((await h.request('GET', `${E}/feed?colour=red`)).json().code).toBe('unknown_parameter');
  });
});

describe('commit tokens and the ledger by position', () => {
  it('answers every write with a commit token; a retry gets its first commit token', async () => {
    const first = await h.request('POST', `${E}/onhand`, change('t-1', 1));
    const token = first.headers['onhand-commit-token'];
    expect(token).toMatch(/^c[0-9a-z]+$/);
    const retry = await h.request('POST', `${E}/onhand`, change('t-1', 1));
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['onhand-commit-token']).toBe(token);
    const position = await h.services.engine.feed.positionOf(String(token), 5000);
    const entries = (await feed(`?after=0&limit=1000`)).entries;
    const entry = entries.find((e) => e.eventId === 't-1');
    expect(Number(entry?.position)).toBeLessThanOrEqual(position ?? 0);
  });

  it('pages the ledger by position (after; afterSeq is the former name) and refuses unknown parameters', async () => {
    const all = (await h.request('GET', `${E}/ledger?limit=1000`)).json() as {
      position: number;
      seq: number;
    }[];
    expect(all.length).toBeGreaterThan(5);
    const positions = all.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const rest = (await h.request('GET', `${E}/ledger?after=${positions[2]}`)).json() as unknown[];
    expect(rest).toEqual(all.slice(3));
    expect((await h.request('GET', `${E}/ledger?afterSeq=${positions[2]}`)).json()).toEqual(all.slice(3));
    const unknown = await h.request('GET', `${E}/ledger?productId=MUG`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('unknown_parameter');
  });
});

describe('the snapshot a follower starts from', () => {
  it('streams the stock as NDJSON with the position it reflects, and the feed continues from there', async () => {
    const response = await h.request('GET', `${E}/snapshot`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const position = String(response.headers['onhand-position']);
    expect(lines[0]).toEqual({ type: 'snapshot', environmentId: 'test', position });
    expect(lines.at(-1)).toEqual({
      type: 'end',
      position,
      counts: { stock: lines.filter((l) => l.type === 'stock').length, schedule: 0 },
    });
    const inbound = lines.filter(
      (l) => l.type === 'stock' && l.productId === 'Mug' && l.measure === 'inbound',
    );
    expect(inbound).toEqual([expect.objectContaining({ quantity: '1' })]);
    await h.request('POST', `${E}/onhand`, change('s-after', 7, red, 'Mug'));
    const { entries } = await feed(`?after=${position}`);
    expect(entries.map((e) => e.eventId)).toEqual(['s-after']);
  });
});
