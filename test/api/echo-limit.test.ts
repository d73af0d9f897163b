import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipEcho, ECHO_LIMIT } from '../../src/http/echo-limit.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { reserveBody } from '../support/reservation-helpers.js';
import { ENV } from './api-helpers.js';

/** Errors echo what they refuse, clipped: a 3 MB id is not sent back whole (docs/errors.md). */

const HUGE = 'x'.repeat(3 * 1024 * 1024);
const CLIPPED = `${'x'.repeat(ECHO_LIMIT)}…(${HUGE.length - ECHO_LIMIT} more characters)`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('clipEcho', () => {
  it.each([
    ['', ''],
    ['a'.repeat(ECHO_LIMIT), 'a'.repeat(ECHO_LIMIT)],
    ['a'.repeat(ECHO_LIMIT + 1), `${'a'.repeat(ECHO_LIMIT)}…(1 more character)`],
    // Characters are code points: an emoji counts once and is never split in two.
    ['😀'.repeat(ECHO_LIMIT), '😀'.repeat(ECHO_LIMIT)],
    ['😀'.repeat(ECHO_LIMIT + 2), `${'😀'.repeat(ECHO_LIMIT)}…(2 more characters)`],
  ])('clips %#', (value, expected) => {
    expect(clipEcho(value)).toBe(expected);
  });
});

describe('an error answer echoes at most ECHO_LIMIT characters of a value', () => {
  it('a 3 MB id of an on-hand change: 400, the id clipped, the answer small', async () => {
    const res = await h.request('POST', `${ENV}/onhand`, tshirtEvent(HUGE));
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(2048);
    expect(res.json()).toMatchObject({
      id: CLIPPED,
      processingStatus: 'failure',
      statusCode: 400,
      code: 'value_too_long',
      details: [{ path: '/id' }],
    });
  });

  it('a 3 MB id in a bulk request: its failure envelope is clipped, the other item applies', async () => {
    const res = await h.request('POST', `${ENV}/onhand/bulk`, [tshirtEvent(HUGE), tshirtEvent('echo-ok-1')]);
    expect(res.statusCode).toBe(200);
    expect(res.body.length).toBeLessThan(4096);
    const body = res.json() as Record<string, { id: string }[]>;
    expect(body.failure?.map((e) => e.id)).toEqual([CLIPPED]);
    expect(body.success?.map((e) => e.id)).toEqual(['echo-ok-1']);
  });

  it('a 3 MB id of a reservation: the prefix stays, the id is clipped', async () => {
    const res = await h.request('POST', `${ENV}/onhand/reserve`, reserveBody(HUGE, 'echo-mug', 1));
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(2048);
    expect((res.json() as { id: string }).id).toBe(`ohre~${CLIPPED}`);
  });

  it('a 3 MB product id in a query: 400, a small answer', async () => {
    const res = await h.request('POST', `${ENV}/onhand/indexquery`, {
      filters: { organizationId: ['usmf'], productId: [HUGE], siteId: ['1'], locationId: ['11'] },
      groupByValues: [],
    });
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(2048);
  });

  it('a 3 MB field name: the path of the unknown field and the message quoting it are clipped', async () => {
    const res = await h.request('POST', `${ENV}/onhand`, { ...tshirtEvent('echo-field-1'), [HUGE]: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(2048);
    const body = res.json() as { code: string; message: string; details: { path: string }[] };
    expect(body.code).toBe('unknown_field');
    expect(body.details[0]?.path).toBe(clipEcho(`/${HUGE}`));
    expect(body.message).toMatch(/more characters\)$/);
  });

  it('a 100 kB path of an unknown route: 404, clipped', async () => {
    const res = await h.request('GET', `/${'p'.repeat(100_000)}`);
    expect(res.statusCode).toBe(404);
    expect(res.body.length).toBeLessThan(1024);
    expect((res.json() as { message: string }).message).toMatch(
      /^No route for GET \/p+…\(\d+ more characters\)$/,
    );
  });

  it('a valid id of 256 characters is echoed whole, with the reservation prefix', async () => {
    const id = 'r'.repeat(256);
    const change = await h.request('POST', `${ENV}/onhand`, tshirtEvent('e'.repeat(256)));
    expect(change.statusCode, change.body).toBe(200);
    expect((change.json() as { id: string }).id).toBe('e'.repeat(256));
    const reserve = await h.request(
      'POST',
      `${ENV}/onhand/reserve`,
      reserveBody(id, 'echo-mug', 1, { ifCheckAvailForReserv: false }),
    );
    expect(reserve.statusCode, reserve.body).toBe(200);
    expect((reserve.json() as { id: string }).id).toBe(`ohre~${id}`);
  });
});
