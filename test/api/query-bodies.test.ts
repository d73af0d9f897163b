import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

/*
 * Query bodies seen before are neither parsed nor checked again, and their plans are reused
 * (http/query-bodies.ts, engine/queries/plan-cache.ts): these tests send the same text again and
 * again and check that nothing else changes: the answers, their headers, the errors.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ environments: ['bodies', 'bodies2'] });
});
afterAll(() => h.close());

const E = '/api/environment/bodies';
const query = (productId: string) => ({
  filters: { organizationId: ['usmf'], productId: [productId], siteId: ['1'], locationId: ['11'] },
  groupByValues: ['colorId'],
  returnNegative: true,
});
const send = (url: string, text: string, headers: Record<string, string> = {}, token?: string) =>
  h.request('POST', url, undefined, { rawBody: text, headers, ...(token ? { token } : {}) });

async function receive(env: string, id: string, productId: string, colorId: string, inbound: number) {
  const event = tshirtEvent(id, {
    productId,
    dimensions: { siteId: '1', locationId: '11', colorId },
    quantities: { pos: { inbound } },
  });
  expect((await h.request('POST', `/api/environment/${env}/onhand`, event)).statusCode).toBe(200);
}

describe('a query body asked again', () => {
  it('answers as the first time, with the same headers, and follows the writes in between', async () => {
    await receive('bodies', 'qb-1', 'QB-A', 'red', 4);
    const text = JSON.stringify(query('QB-A'));
    const first = await send(`${E}/onhand/indexquery`, text);
    const again = await send(`${E}/onhand/indexquery`, text);
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    expect(again.headers['onhand-position']).toBe(first.headers['onhand-position']);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);

    await receive('bodies', 'qb-2', 'QB-A', 'blue', 2);
    const later = await send(`${E}/onhand/indexquery`, text);
    // The same question in other words (keys in other cases, other spacing) is another text: parsed anew.
    const reworded = await send(
      `${E}/onhand/indexquery`,
      ` { "Filters": { "OrganizationId": ["usmf"], "productid": ["QB-A"], "siteId": ["1"], "locationId": ["11"] },
          "groupByValues": ["colorId"], "returnNegative": true }`,
    );
    expect(later.json()).toEqual(reworded.json());
    expect(
      (later.json() as { dimensions: { ColorId: string }; quantities: { pos: { inbound: number } } }[]).map(
        (row) => [row.dimensions.ColorId, row.quantities.pos.inbound],
      ),
    ).toEqual([
      ['blue', 2],
      ['red', 4],
    ]);
    expect(Number(later.headers['onhand-position'])).toBeGreaterThan(
      Number(first.headers['onhand-position']),
    );
  });

  it('answers in the shape of the Api-Version of each request, and as an exact query on its route', async () => {
    await receive('bodies', 'qb-3', 'QB-B', 'red', 7);
    const text = JSON.stringify(query('QB-B'));
    const v1 = await send(`${E}/onhand/indexquery`, text);
    const v2 = await send(`${E}/onhand/indexquery`, text, { 'api-version': '2.0' });
    const v1Again = await send(`${E}/onhand/indexquery`, text);
    expect(v1Again.body).toBe(v1.body);
    expect(v2.json()).toMatchObject({ nextLink: '', Value: [{ organizationId: 'usmf', productId: 'QB-B' }] });

    const exact = JSON.stringify({
      filters: {
        organizationId: ['usmf'],
        productId: ['QB-B'],
        dimensions: ['siteId', 'locationId', 'colorId'],
        values: [['1', '11', 'red']],
      },
      groupByValues: [],
      returnNegative: true,
    });
    const exactFirst = await send(`${E}/onhand/exactquery`, exact);
    const exactAgain = await send(`${E}/onhand/exactquery`, exact);
    expect(exactFirst.statusCode, exactFirst.body).toBe(200);
    expect(exactAgain.body).toBe(exactFirst.body);
    expect(
      (exactAgain.json() as { quantities: { pos: { inbound: number } } }[])[0]?.quantities.pos.inbound,
    ).toBe(7);
  });

  it('in another environment answers from that environment', async () => {
    await receive('bodies', 'qb-4', 'QB-C', 'red', 1);
    await receive('bodies2', 'qb-5', 'QB-C', 'red', 9);
    const text = JSON.stringify(query('QB-C'));
    const inFirst = await send(`${E}/onhand/indexquery`, text);
    const inSecond = await send('/api/environment/bodies2/onhand/indexquery', text);
    const inFirstAgain = await send(`${E}/onhand/indexquery`, text);
    expect(inFirst.json()[0].quantities.pos.inbound).toBe(1);
    expect(inSecond.json()[0].quantities.pos.inbound).toBe(9);
    expect(inFirstAgain.body).toBe(inFirst.body);
    // A token of the first environment is refused in the second, however often the body was seen there.
    const token = await h.tokenFor(['bodies']);
    const refused = await send('/api/environment/bodies2/onhand/indexquery', text, {}, token);
    expect(refused.statusCode).toBe(403);
  });
});

describe('a bad query body asked again', () => {
  it.each([
    ['not JSON', '{"filters": ', 400, 'malformed_json'],
    ['an unknown field', JSON.stringify({ ...query('QB-D'), colour: 'red' }), 400, 'unknown_field'],
    [
      'a field given twice',
      '{"filters":{"organizationId":["usmf"],"productId":["x"]},"Filters":{}}',
      400,
      'invalid_request',
    ],
    ['no organization', JSON.stringify({ filters: { productId: ['QB-D'] } }), 400, 'invalid_query'],
  ])('gets its error every time: %s', async (_name, text, status, code) => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await send(`${E}/onhand/indexquery`, text));
    for (const answer of answers) {
      expect(answer.statusCode).toBe(status);
      expect(answer.body).toBe(answers[0]?.body);
    }
    expect(answers[0]?.body).toContain(code);
  });
});

describe('a query body asked again after a configuration update', () => {
  it('is planned against the new configuration', async () => {
    await receive('bodies2', 'qb-6', 'QB-E', 'red', 5);
    const url = '/api/environment/bodies2';
    const text = JSON.stringify({
      dimensionDataSource: 'pos',
      filters: {
        organizationId: ['usmf'],
        productId: ['QB-E'],
        siteId: ['1'],
        locationId: ['11'],
        ProductColor: ['red'],
      },
      groupByValues: ['productColor'],
    });
    const before = await send(`${url}/onhand/indexquery`, text);
    expect(before.statusCode).toBe(400);
    expect(before.json()).toMatchObject({ code: 'unknown_dimension' });

    const config = (await h.request('GET', `${url}/configuration`)).json();
    config.inventorySystemConfigurations.pos.dimensionMappings = { productcolor: 'colorid' };
    expect((await h.request('POST', `${url}/configuration/hardupdate`, config)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) {
      const mapped = await send(`${url}/onhand/indexquery`, text);
      expect(mapped.statusCode, mapped.body).toBe(200);
      expect(mapped.json()[0].quantities.pos.inbound).toBe(5);
    }

    config.inventorySystemConfigurations.pos.dimensionMappings = {};
    expect((await h.request('POST', `${url}/configuration/hardupdate`, config)).statusCode).toBe(200);
    const after = await send(`${url}/onhand/indexquery`, text);
    expect(after.statusCode).toBe(400);
    expect(after.body).toBe(before.body);
  });
});
