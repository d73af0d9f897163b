import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

/**
 * `asOf` on the GET on-hand query and on the exact query (docs/feed.md, "As of a past moment"): both
 * forms (an RFC 3339 time and a feed position) answer the stock as it was then; a moment older than
 * the feed's retention window is refused with 410 cursor_expired, one in the future (a time after the
 * clock, a position not reached yet) with 400 invalid_request.
 */
const E = '/api/environment/test';
let clock = new Date('2026-02-01T00:00:00Z');
let h: Harness;
/** A token issued at the clock's time (undefined: the harness's admin token). */
let token: string | undefined;

beforeAll(async () => {
  h = await startHarness({ clock: () => clock, env: { ONHAND_FEED_RETENTION_DAYS: '1' } });
});
afterAll(() => h?.close());

const receive = async (id: string, inbound: number) => {
  const event = tshirtEvent(id, {
    productId: 'ASOF',
    dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
    quantities: { pos: { inbound } },
  });
  const res = await h.request('POST', `${E}/onhand`, event, token === undefined ? {} : { token });
  expect(res.statusCode, res.body).toBe(200);
};
const getQuery = (asOf?: string) =>
  h.request(
    'GET',
    `${E}/onhand?organizationId=usmf&productId=ASOF&groupBy=colorId&returnNegative=true${
      asOf === undefined ? '' : `&asOf=${encodeURIComponent(asOf)}`
    }`,
    undefined,
    token === undefined ? {} : { token },
  );
const exactQuery = (asOf?: string) =>
  h.request(
    'POST',
    `${E}/onhand/exactquery`,
    {
      filters: {
        organizationId: ['usmf'],
        productId: ['ASOF'],
        dimensions: ['siteId', 'locationId', 'colorId'],
        values: [['1', '11', 'red']],
      },
      groupByValues: [],
      returnNegative: true,
      ...(asOf === undefined ? {} : { asOf }),
    },
    token === undefined ? {} : { token },
  );
const inbound = (res: Awaited<ReturnType<typeof getQuery>>): number | undefined => {
  expect(res.statusCode, res.body).toBe(200);
  const rows = res.json() as { quantities: { pos?: { inbound?: number } } }[];
  return rows[0]?.quantities.pos?.inbound;
};

describe('asOf on the GET query and the exact query', () => {
  /** The moments seen: the position and time after each write, and the inbound quantity then. */
  const moments: { position: string; time: string; inbound: number }[] = [];

  it('answers the stock as it was at a position and at a time, on both queries', async () => {
    let total = 0;
    for (const [i, qty] of [3, 4, 5].entries()) {
      clock = new Date(Date.parse('2026-02-01T00:00:00Z') + (i + 1) * 60_000);
      await receive(`asof-${i}`, qty);
      total += qty;
      const now = await getQuery();
      expect(inbound(now)).toBe(total);
      moments.push({
        position: String(now.headers['onhand-position']),
        time: clock.toISOString(),
        inbound: total,
      });
      clock = new Date(clock.getTime() + 30_000);
    }
    expect(new Set(moments.map((m) => m.position)).size).toBe(3);
    for (const moment of moments) {
      for (const asOf of [moment.position, moment.time]) {
        expect(inbound(await getQuery(asOf)), `GET as of ${asOf}`).toBe(moment.inbound);
        expect(inbound(await exactQuery(asOf)), `exact as of ${asOf}`).toBe(moment.inbound);
      }
    }
    // Between two writes, a time names the earlier one's state; before the first, nothing was there.
    const between = new Date(Date.parse(moments[1]?.time ?? '') + 10_000).toISOString();
    expect(inbound(await getQuery(between))).toBe(moments[1]?.inbound);
    expect(inbound(await exactQuery(between))).toBe(moments[1]?.inbound);
    const before = '2026-02-01T00:00:30Z';
    expect(inbound(await getQuery(before))).toBeUndefined();
    const exactBefore = await exactQuery(before);
    expect(exactBefore.statusCode, exactBefore.body).toBe(200);
    expect(JSON.stringify(exactBefore.json())).not.toContain('"inbound":3');
  });

  it('refuses a moment in the future with 400 invalid_request, on both queries', async () => {
    const future = new Date(clock.getTime() + 60_000).toISOString();
    const unreached = String(Number(moments[moments.length - 1]?.position ?? 0) + 1000);
    for (const asOf of [future, unreached]) {
      for (const res of [await getQuery(asOf), await exactQuery(asOf)]) {
        expect(res.statusCode, `${asOf}: ${res.body}`).toBe(400);
        expect(res.json().code).toBe('invalid_request');
      }
    }
    for (const res of [await getQuery('yesterday'), await exactQuery('yesterday')]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('invalid_request');
    }
  });

  it('refuses a moment older than the retention window with 410 cursor_expired, on both queries', async () => {
    clock = new Date('2026-02-03T00:00:00Z');
    token = await h.tokenWithRole(['test'], 'write');
    await receive('asof-late', 1);
    const first = moments[0];
    if (!first) throw new Error('no moments');
    for (const asOf of [first.position, first.time]) {
      for (const res of [await getQuery(asOf), await exactQuery(asOf)]) {
        expect(res.statusCode, `${asOf}: ${res.body}`).toBe(410);
        expect(res.json().code).toBe('cursor_expired');
      }
    }
    // Within the window it still answers.
    expect(inbound(await getQuery(clock.toISOString()))).toBe(13);
    expect(inbound(await exactQuery(clock.toISOString()))).toBe(13);
  });
});
