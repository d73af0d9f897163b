import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LedgerJson, ledgerDeltaMicro, toMicro } from '../api/api-helpers.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { CITUS_MISSING, citusMode, createCitusSchema } from '../support/citus.js';
import {
  AT,
  ORG,
  type ReservationJson,
  replay,
  reserveBody,
  stockBody,
  units,
} from '../support/reservation-helpers.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * Two real `onhand serve` processes sharing one PostgreSQL database and one data directory (so one
 * signing key): every request is a separate fetch, alternating between the processes, so the races of
 * test/concurrency/reservations.test.ts now meet across processes, where only the database can
 * serialise them. With CI=true a missing ONHAND_TEST_POSTGRES_URL fails here (testBackends throws).
 * The same races run against a Citus cluster's coordinator (the tables distributed) when
 * ONHAND_TEST_CITUS_URL is set (with CI=true a missing URL fails).
 */
const onPostgres = testBackends().includes('postgres');
const suite = onPostgres ? describe : describe.skip;
const title = onPostgres
  ? 'two server processes sharing one PostgreSQL database'
  : 'two server processes sharing one PostgreSQL database (skipped: ONHAND_TEST_POSTGRES_URL is not set)';
const onCitus = citusMode();

const ENV = 'shop';
const SECRET = 'ops-secret-for-the-two-servers-test';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly replayed: boolean;
}

suite(title, () => describeTwoServers(createTestDatabase));
if (onCitus === 'run')
  describe('two server processes on a Citus coordinator', () => describeTwoServers(createCitusSchema));
else if (onCitus === 'fail')
  it('two server processes on a Citus coordinator run in CI', () => {
    throw new Error(CITUS_MISSING);
  });
else
  describe.skip('two server processes on a Citus coordinator (skipped: ONHAND_TEST_CITUS_URL is not set)', () => {});

/** The races, on a fresh database `create` makes (a PostgreSQL database, or a schema distributed on Citus). */
function describeTwoServers(create: () => Promise<{ url: string; drop: () => Promise<void> }>): void {
  let dataDir = '';
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let servers: ServerProcess[] = [];
  let bearer = '';

  /** Server A for even i, server B for odd i. */
  const on = (i: number): ServerProcess => servers[i % 2]!;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-two-servers-'));
    database = await create();
    const env = {
      ONHAND_DATABASE_URL: database.url,
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: ENV,
    };
    // Started together, as replicas are: migrations, the signing key and the admin client race too.
    const started = await Promise.allSettled([startServerProcess(env), startServerProcess(env)]);
    servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    bearer = await token(servers[0]!);
  });

  afterAll(async () => {
    let codes: (number | null | 'timeout')[] = [];
    try {
      codes = await Promise.all(
        servers.map((server) =>
          Promise.race([
            server.stop(),
            new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000)),
          ]),
        ),
      );
    } finally {
      try {
        await database?.drop();
      } finally {
        if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
      }
    }
    expect(codes, servers.map((s) => s.output()).join('\n----\n')).toEqual(servers.map(() => 0));
  });

  async function token(server: ServerProcess): Promise<string> {
    const response = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'ops',
        client_secret: SECRET,
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function call(server: ServerProcess, method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${server.url}/api/environment/${ENV}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  }

  const send = (server: ServerProcess, path: string, body: unknown) =>
    call(server, 'POST', `/onhand${path}`, body);

  function expectRefusedForAvailability(answer: Answer): void {
    expect(answer.status, JSON.stringify(answer.body)).toBe(409);
    expect(answer.body).toMatchObject({
      processingStatus: 'failure',
      statusCode: 500,
      code: 'insufficient_availability',
    });
  }

  function expectConflict(answer: Answer): void {
    expect(answer.status, JSON.stringify(answer.body)).toBe(409);
    expect(answer.body).toMatchObject({ code: 'event_id_conflict', statusCode: 409 });
  }

  /** A measure per colour (lower-case dimension names) of one product at AT, in millionths. */
  async function perColour(
    server: ServerProcess,
    productId: string,
  ): Promise<Map<string, Record<string, Record<string, bigint>>>> {
    const answer = await send(server, '/indexquery', {
      filters: {
        organizationId: [ORG],
        productId: [productId],
        siteId: [AT.siteId],
        locationId: [AT.locationId],
      },
      groupByValues: ['colorId'],
      returnNegative: true,
    });
    expect(answer.status).toBe(200);
    const rows = answer.body as unknown as {
      dimensions: Record<string, string>;
      quantities: Record<string, Record<string, number>>;
    }[];
    const result = new Map<string, Record<string, Record<string, bigint>>>();
    for (const row of rows) {
      const colour = Object.entries(row.dimensions).find(([d]) => d.toLowerCase() === 'colorid')?.[1] ?? '';
      const quantities: Record<string, Record<string, bigint>> = {};
      for (const [ds, measures] of Object.entries(row.quantities)) {
        quantities[ds] = Object.fromEntries(Object.entries(measures).map(([m, v]) => [m, toMicro(v)]));
      }
      result.set(colour, quantities);
    }
    return result;
  }

  async function measure(
    server: ServerProcess,
    productId: string,
    dataSource: string,
    name: string,
    colour = '',
  ): Promise<bigint> {
    const rows = await perColour(server, productId);
    if (colour === '') {
      let total = 0n;
      for (const q of rows.values()) total += q[dataSource]?.[name] ?? 0n;
      return total;
    }
    return rows.get(colour)?.[dataSource]?.[name] ?? 0n;
  }

  async function reservation(server: ServerProcess, id: string): Promise<ReservationJson> {
    const answer = await call(server, 'GET', `/onhand/reservations/${encodeURIComponent(id)}`);
    expect(answer.status).toBe(200);
    return answer.body as unknown as ReservationJson;
  }

  /** The whole ledger, paged by feed position (commit order) until a page is empty. */
  async function ledger(server: ServerProcess): Promise<(LedgerJson & { family: string })[]> {
    const entries: (LedgerJson & { family: string })[] = [];
    let after = 0;
    for (;;) {
      const answer = await call(server, 'GET', `/ledger?after=${after}&limit=50`);
      expect(answer.status).toBe(200);
      const page = answer.body as unknown as (LedgerJson & { family: string })[];
      if (page.length === 0) return entries;
      entries.push(...page);
      after = page[page.length - 1]!.position;
    }
  }

  /** The stored stock of the environment, read from the database (millionths), zeros left out. */
  async function storedStock(): Promise<Map<string, bigint>> {
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{
        organization_id: string;
        product_id: string;
        dims: string;
        data_source: string;
        measure: string;
        quantity: string;
      }>(
        'SELECT organization_id, product_id, dims, data_source, measure, quantity::text AS quantity FROM stock WHERE environment_id = $1',
        [ENV],
      );
      const values = new Map<string, bigint>();
      for (const r of rows) {
        const quantity = BigInt(r.quantity);
        if (quantity === 0n) continue;
        const dims = Object.entries(JSON.parse(r.dims) as Record<string, string>).sort(([a], [b]) =>
          a < b ? -1 : 1,
        );
        const key = JSON.stringify([r.organization_id, r.product_id, dims, r.data_source, r.measure]);
        values.set(key, (values.get(key) ?? 0n) + quantity);
      }
      return values;
    } finally {
      await client.end();
    }
  }

  const sorted = (m: Map<string, bigint>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

  it('a token issued by one server is accepted by the other', async () => {
    expect(servers).toHaveLength(2);
    expect((await call(servers[1]!, 'GET', '/ledger?limit=1')).status).toBe(200);
    expect((await call(servers[0]!, 'GET', '/ledger?limit=1')).status).toBe(200);
  });

  it('a query on one server right after the other acknowledged a write shows it, for 16 clients at once', async () => {
    // The default consistency across processes (docs/storefront.md): each client writes its own product
    // through B and, as soon as B answers, queries A (and the next round the other way). The queries of
    // the clients meet on each server and share its settle checks; every answer must show the write.
    const rounds = 8;
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        const product = `ryw-${w}`;
        for (let i = 1; i <= rounds; i++) {
          const writer = on(i + w);
          const reader = on(i + w + 1);
          expect((await send(writer, '', stockBody(`${product}-${i}`, product, { inbound: 1 }))).status).toBe(
            200,
          );
          expect(await measure(reader, product, 'pos', 'inbound'), `client ${w}, write ${i}`).toBe(units(i));
        }
      }),
    );
  });

  it('80 reservations of 1 racing across both servers for 10 units: exactly 10 succeed', async () => {
    const P = 'last-ten';
    expect((await send(servers[0]!, '', stockBody('stock-last-ten', P, { inbound: 10 }))).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, i) => send(on(i), '/reserve', reserveBody(`${P}-${i}`, P, 1))),
    );
    const granted = answers.filter((a) => a.status === 200);
    expect(granted).toHaveLength(10);
    for (const refused of answers.filter((a) => a.status !== 200)) expectRefusedForAvailability(refused);
    const ids = granted.map((a) => a.body.reservationId as string);
    expect(new Set(ids).size).toBe(10);
    for (const server of servers) {
      expect(await measure(server, P, 'iv', 'softreserved')).toBe(units(10));
      expect(await measure(server, P, 'iv', 'availabletoreserve')).toBe(0n);
    }
    for (const [i, id] of ids.entries()) {
      expect(await reservation(on(i), id)).toMatchObject({ quantity: 1, remaining: 1, status: 'open' });
    }
  });

  describe('one event id sent to both servers at once', () => {
    it('the same on-hand change 20 times is applied once, and every answer is the first envelope', async () => {
      const P = 'dup';
      expect((await send(servers[1]!, '', stockBody('stock-dup', P, { inbound: 5 }))).status).toBe(200);
      const body = stockBody('dup-1', P, { inbound: 1 });
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(on(i), '', body)));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({
          id: 'dup-1',
          processingStatus: 'success',
          message: '',
          statusCode: 200,
        });
      }
      expect(answers.filter((a) => a.replayed)).toHaveLength(19);
      expect(await measure(servers[0]!, P, 'pos', 'inbound')).toBe(units(6));

      // The same id with another body: a conflict on both servers, nothing applied.
      const changed = stockBody('dup-1', P, { inbound: 2 });
      const conflicts = await Promise.all(Array.from({ length: 10 }, (_, i) => send(on(i), '', changed)));
      for (const answer of conflicts) expectConflict(answer);
      expect(await measure(servers[1]!, P, 'pos', 'inbound')).toBe(units(6));
    });

    it('a new id with two different bodies, one per server: one body wins everywhere', async () => {
      const P = 'dup-race';
      const bodies = [stockBody('dup-race-1', P, { inbound: 1 }), stockBody('dup-race-1', P, { inbound: 3 })];
      const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => send(on(i), '', bodies[i % 2])));
      const winners = new Set(answers.flatMap((a, i) => (a.status === 200 ? [i % 2] : [])));
      expect(winners.size).toBe(1);
      const winner = [...winners][0]!;
      answers.forEach((answer, i) => {
        if (i % 2 === winner) expect(answer.status).toBe(200);
        else expectConflict(answer);
      });
      expect(await measure(servers[0]!, P, 'pos', 'inbound')).toBe(units(winner === 0 ? 1 : 3));
    });

    it('the same reserve request 10 times makes one reservation, and every answer names it', async () => {
      const P = 'dup-reserve';
      expect((await send(servers[0]!, '', stockBody('stock-dup-reserve', P, { inbound: 5 }))).status).toBe(
        200,
      );
      const body = reserveBody('dup-reserve-1', P, 2);
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send(on(i), '/reserve', body)));
      for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(new Set(answers.map((a) => a.body.reservationId)).size).toBe(1);
      expect(answers.filter((a) => a.replayed)).toHaveLength(9);
      expect(await measure(servers[1]!, P, 'iv', 'softreserved')).toBe(units(2));
      const entries = (await ledger(servers[0]!)).filter((e) => e.eventId === 'dup-reserve-1');
      expect(entries).toHaveLength(1);
      expect(entries[0]!.kind).toBe('reservation.reserve');
    });
  });

  it('reserve, unreserve, offset and on-hand changes racing across both servers end in the ledger replay', async () => {
    const P = 'mixed';
    const colours = ['red', 'blue'] as const;
    const at = (colour: string) => ({ ...AT, colorId: colour });
    for (const [i, colour] of colours.entries()) {
      const answer = await send(
        on(i),
        '',
        stockBody(`mixed-stock-${colour}`, P, { inbound: 20 }, at(colour)),
      );
      expect(answer.status).toBe(200);
    }
    // 8 reservations of 2 units per colour, made concurrently over both servers (16 of 20 units).
    const setup = await Promise.all(
      colours.flatMap((colour) =>
        Array.from({ length: 8 }, (_, i) =>
          send(on(i), '/reserve', reserveBody(`mixed-pre-${colour}-${i}`, P, 2, { dimensions: at(colour) })),
        ),
      ),
    );
    for (const answer of setup) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const premade = Object.fromEntries(
      colours.map((colour, c) => [
        colour,
        setup.slice(c * 8, c * 8 + 8).map((a) => a.body.reservationId as string),
      ]),
    ) as Record<(typeof colours)[number], string[]>;

    const requests: { kind: string; answer: Promise<Answer> }[] = [];
    let n = 0;
    const push = (kind: string, path: string, body: unknown) => {
      requests.push({ kind, answer: send(on(n++), path, body) });
    };
    for (const colour of colours) {
      const ids = premade[colour];
      // Partial releases: 1 and 0.5 of 2.
      for (let i = 0; i < 4; i++) {
        push('unreserve', '/unreserve', {
          id: `mixed-u-${colour}-${i}`,
          organizationId: ORG,
          productId: P,
          reservationId: ids[i],
          OffsetQty: i % 2 === 0 ? 1 : 0.5,
        });
      }
      // Offsets by reservation id: the ERP ships the 2 reserved units.
      for (let i = 4; i < 6; i++) {
        push('offset', '/offset', {
          ...stockBody(`mixed-o-${colour}-${i}`, P, { outbound: 2 }, at(colour)),
          reservationId: ids[i],
          offsetQty: 2,
        });
      }
      // The same reservation released in full twice at once, once per server: released once.
      for (const s of [0, 1]) {
        push('double', '/unreserve', {
          id: `mixed-d-${colour}-${s}`,
          organizationId: ORG,
          productId: P,
          reservationId: ids[6],
          OffsetQty: 2,
        });
      }
      // An offset and a full release of the same reservation at once: consumed once.
      push('offset-vs-unreserve', '/offset', {
        ...stockBody(`mixed-ou-o-${colour}`, P, { outbound: 2 }, at(colour)),
        reservationId: ids[7],
        offsetQty: 2,
      });
      push('offset-vs-unreserve', '/unreserve', {
        id: `mixed-ou-u-${colour}`,
        organizationId: ORG,
        productId: P,
        reservationId: ids[7],
        OffsetQty: 2,
      });
      // New checked reservations racing for what is left: at most 4 + 3 + 2 + 4 = 13 units ever are.
      for (let i = 0; i < 14; i++) {
        push('reserve', '/reserve', reserveBody(`mixed-r-${colour}-${i}`, P, 1, { dimensions: at(colour) }));
      }
      // Plain on-hand changes.
      for (let i = 0; i < 4; i++) {
        push('onhand', '', stockBody(`mixed-in-${colour}-${i}`, P, { inbound: 1 }, at(colour)));
      }
      for (let i = 0; i < 3; i++) {
        push('onhand', '', stockBody(`mixed-out-${colour}-${i}`, P, { outbound: 1 }, at(colour)));
      }
    }
    const answers = await Promise.all(requests.map((r) => r.answer));
    const byKind = (kind: string) => answers.filter((_, i) => requests[i]!.kind === kind);

    for (const [i, answer] of answers.entries()) {
      const kind = requests[i]!.kind;
      if (kind === 'reserve' && answer.status !== 200) expectRefusedForAvailability(answer);
      else expect(answer.status, `${kind}: ${JSON.stringify(answer.body)}`).toBe(200);
    }
    for (const answer of [...byKind('unreserve'), ...byKind('offset')]) {
      expect(answer.body.processingStatus).toBe('success');
    }
    // Each contested reservation of 2 was released exactly once: the loser released nothing.
    for (const kind of ['double', 'offset-vs-unreserve']) {
      const pairs = byKind(kind);
      for (let c = 0; c < pairs.length; c += 2) {
        const pair = [pairs[c]!, pairs[c + 1]!];
        expect(pair.map((a) => a.body.processingStatus).sort()).toEqual(['partialSuccess', 'success']);
        const invalid = pair.map((a) => Number(a.body.totalInvalidOffsetQtyByReservId ?? 0));
        expect(invalid.reduce((x, y) => x + y, 0)).toBe(2);
      }
    }
    const granted = byKind('reserve').flatMap((a) =>
      a.status === 200 ? [a.body.reservationId as string] : [],
    );
    const reserves = byKind('reserve');
    for (let c = 0; c < colours.length; c++) {
      const grantedHere = reserves.slice(c * 14, c * 14 + 14).filter((a) => a.status === 200).length;
      expect(grantedHere).toBeLessThanOrEqual(13);
    }

    // Replaying the ledger (read from server B) gives exactly what the database stores.
    const entries = await ledger(servers[1]!);
    // Each entry once, in commit order (positions increase; seqs need not, across lock keys).
    const positions = entries.map((e) => e.position);
    expect(new Set(positions).size).toBe(positions.length);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const eventIds = entries.flatMap((e) => (e.eventId === null ? [] : [`${e.family}/${e.eventId}`]));
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const replayed = replay(entries);
    expect(sorted(await storedStock())).toEqual(sorted(replayed));

    // … and what the index query reports per colour, on either server.
    for (const [s, server] of servers.entries()) {
      const rows = await perColour(server, P);
      for (const colour of colours) {
        const dims = Object.entries({ colorid: colour, locationid: AT.locationId, siteid: AT.siteId });
        for (const [ds, m] of [
          ['pos', 'inbound'],
          ['pos', 'outbound'],
          ['iv', 'softreserved'],
        ] as const) {
          const key = JSON.stringify([ORG, P, dims, ds, m]);
          expect(rows.get(colour)?.[ds]?.[m] ?? 0n, `server ${s}, ${colour} ${ds}.${m}`).toBe(
            replayed.get(key) ?? 0n,
          );
        }
      }
    }

    // iv.softreserved per colour is what the reservations still hold.
    const remaining = new Map<string, bigint>(colours.map((c) => [c, 0n]));
    for (const [i, id] of [...premade.red, ...premade.blue, ...granted].entries()) {
      const r = await reservation(on(i), id);
      expect(r.remaining).toBeGreaterThanOrEqual(0);
      expect(r.remaining).toBeLessThanOrEqual(r.quantity);
      expect(r.status).toBe(r.remaining > 0 ? 'open' : 'released');
      const colour = Object.entries(r.dimensions).find(([d]) => d.toLowerCase() === 'colorid')![1];
      remaining.set(colour, remaining.get(colour)! + toMicro(r.remaining));
    }
    for (const id of [premade.red[6]!, premade.red[7]!, premade.blue[6]!, premade.blue[7]!]) {
      expect(await reservation(servers[0]!, id)).toMatchObject({ remaining: 0, status: 'released' });
    }
    for (const colour of colours) {
      expect(await measure(servers[0]!, P, 'iv', 'softreserved', colour)).toBe(remaining.get(colour));
    }

    // In ledger order, every checked reservation of the product left availability >= 0 at its colour.
    const sums = new Map<string, bigint>();
    const get = (colour: string, key: string) => sums.get(`${colour}/${key}`) ?? 0n;
    let checked = 0;
    for (const entry of entries) {
      const changes = entry.changes.filter((c) => c.productId === P);
      if (changes.length === 0) continue;
      for (const c of changes) {
        const key = `${c.dimensions.colorid}/${c.dataSource}.${c.measure}`;
        sums.set(key, (sums.get(key) ?? 0n) + ledgerDeltaMicro(c.delta));
      }
      const request = (entry as { request?: { check?: boolean } }).request;
      if (entry.kind === 'reservation.reserve' && request?.check === true) {
        checked++;
        const colour = changes[0]!.dimensions.colorid!;
        const afr = get(colour, 'pos.inbound') - get(colour, 'pos.outbound') - get(colour, 'iv.softreserved');
        expect(afr, `after ledger entry ${entry.seq}`).toBeGreaterThanOrEqual(0n);
      }
    }
    expect(checked).toBe(16 + granted.length);
  });
}
