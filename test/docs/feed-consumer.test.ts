import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryHeaders } from '../../src/engine/webhooks/signature.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { reserveBody } from '../support/reservation-helpers.js';

/*
 * docs/feed.md's JavaScript, run as written. "A consumer in twenty lines", against a real server: its copy of the stock
 * must equal the stock after writes of several kinds and a hard update of the configuration, with a write
 * landing between the page that carried the update and the new snapshot (the consumer must follow from
 * the snapshot's position, or it applies that write twice). And the webhook signature check of
 * "Webhooks", against the signature Onhand sends.
 */
const DOC = fileURLToPath(new URL('../../docs/feed.md', import.meta.url));
const E = '/api/environment/demo';

/** The first JavaScript block under `heading`. */
function jsBlock(heading: string): string {
  const text = readFileSync(DOC, 'utf8');
  const section = text.slice(text.indexOf(heading));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error(`docs/feed.md has no JavaScript block under ${heading}`);
  return match[1];
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

type Stock = Map<string, number>;
type Consumer = (
  fetch: typeof globalThis.fetch,
  process: { env: Record<string, string> },
  running: () => boolean,
) => Promise<Stock>;

let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness({ environments: ['demo'] });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

const post = async (path: string, body: unknown) => {
  const answer = await h.request('POST', `${E}${path}`, body);
  expect(answer.statusCode, answer.body).toBe(200);
};
const change = (id: string, inbound: number, colorId = 'red') =>
  tshirtEvent(id, {
    dimensions: { siteId: '1', locationId: '11', colorId },
    quantities: { pos: { inbound } },
  });

describe('the twenty-line consumer of docs/feed.md', () => {
  it('keeps a copy equal to the stock across writes, a hard update and a write racing its snapshot', async () => {
    const code = jsBlock('## A consumer in twenty lines');
    // Twenty lines at most, every line counted.
    expect(code.trimEnd().split('\n').length).toBeLessThanOrEqual(20);
    // As written, but for the server's address, a way to stop its loop, and the copy handed back.
    const runnable = `${code
      .replace('http://localhost:8080', base)
      .replace('for (;;) {', 'while (running()) {')}\nreturn stock;`;
    expect(runnable).toContain('while (running())');
    const consume = new AsyncFunction('fetch', 'process', 'running', runnable) as Consumer;

    await post('/onhand', change('c-1', 5));
    let snapshots = 0;
    let raced = false;
    // Before the consumer's second snapshot (the one the hard update sends it to), another write lands.
    const fetching: typeof globalThis.fetch = async (input, init) => {
      if (String(input).endsWith('/snapshot') && ++snapshots === 2) {
        await post('/onhand', change('c-race', 7, 'blue'));
        raced = true;
      }
      return fetch(input, init);
    };
    let running = true;
    const copy = consume(fetching, { env: { TOKEN: h.adminToken } }, () => running);

    await post('/onhand/bulk', [change('c-2', 3), change('c-3', 2, 'blue')]);
    await post(
      '/onhand/reserve',
      reserveBody('c-order-1', 'T-shirt', 2, {
        dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
        ifCheckAvailForReserv: true,
      }),
    );
    const config = (await h.request('GET', `${E}/configuration`)).json() as Record<string, unknown>;
    await post('/configuration/hardupdate', config);
    await post('/onhand', change('c-4', 1));
    for (let i = 0; i < 100 && !raced; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(raced).toBe(true);
    await post('/onhand', change('c-5', 4, 'blue'));
    // The consumer polls every second once it is idle: two rounds and it has seen everything.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    running = false;
    const stock = await copy;

    const snapshot = (await h.request('GET', `${E}/snapshot`)).body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const expected = new Map<string, number>();
    for (const r of snapshot)
      if (r.type === 'stock')
        expected.set(
          JSON.stringify([r.productId, r.dimensions, r.dataSource, r.measure]),
          Number(r.quantity),
        );
    expect(new Map([...stock].filter(([, quantity]) => quantity !== 0))).toEqual(expected);
    const inbound = (colorid: string) =>
      stock.get(JSON.stringify(['T-shirt', { colorid, locationid: '11', siteid: '1' }, 'pos', 'inbound']));
    expect([inbound('red'), inbound('blue')]).toEqual([5 + 3 + 1, 2 + 7 + 4]);
  });
});

describe('the webhook signature check of docs/feed.md', () => {
  it('accepts a delivery signed as Onhand signs it, and refuses one whose body changed', async () => {
    const check = new AsyncFunction(
      'createHmac',
      'secret',
      'h',
      'rawBody',
      `${jsBlock('## Webhooks')}\nreturn valid;`,
    );
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = JSON.stringify({ entries: [{ position: '7', kind: 'onhand.change' }] });
    const headers = deliveryHeaders(secret, 'msg_7', 1_796_400_000, body);
    expect(await check(createHmac, secret, headers, body)).toBe(true);
    expect(await check(createHmac, secret, headers, body.replace('7', '8'))).toBe(false);
  });
});
