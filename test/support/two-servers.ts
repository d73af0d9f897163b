import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LedgerJson, toMicro } from '../api/api-helpers.js';
import { createTestDatabase, testBackends } from './backends.js';
import { CITUS_MISSING, citusMode, createCitusSchema } from './citus.js';
import { AT, ORG, type ReservationJson } from './reservation-helpers.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

/**
 * Two real `onhand serve` processes sharing one PostgreSQL database and one data directory (so one
 * signing key), for the test/e2e/two-servers-*.test.ts files: every request is a separate fetch,
 * alternating between the processes, so the races of test/concurrency/reservations.test.ts meet across
 * processes, where only the database can serialise them. With CI=true a missing
 * ONHAND_TEST_POSTGRES_URL fails (testBackends throws). The same tests run against a Citus cluster's
 * coordinator (the tables distributed) when ONHAND_TEST_CITUS_URL is set (with CI=true a missing URL
 * fails).
 */

const ENV = 'shop';
const SECRET = 'ops-secret-for-the-two-servers-test';

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly replayed: boolean;
}

/** A fresh database for one file's servers (a PostgreSQL database, or a schema distributed on Citus). */
export type CreateDatabase = () => Promise<{ url: string; drop: () => Promise<void> }>;

/** Defines `tests` on PostgreSQL and on Citus (each skipped, or failing in CI, when its URL is missing). */
export function describeOnTwoServers(tests: (create: CreateDatabase) => void): void {
  const onPostgres = testBackends().includes('postgres');
  const onCitus = citusMode();
  const title = onPostgres
    ? 'two server processes sharing one PostgreSQL database'
    : 'two server processes sharing one PostgreSQL database (skipped: ONHAND_TEST_POSTGRES_URL is not set)';
  (onPostgres ? describe : describe.skip)(title, () => tests(createTestDatabase));
  if (onCitus === 'run')
    describe('two server processes on a Citus coordinator', () => tests(createCitusSchema));
  else if (onCitus === 'fail')
    it('two server processes on a Citus coordinator run in CI', () => {
      throw new Error(CITUS_MISSING);
    });
  else
    describe.skip('two server processes on a Citus coordinator (skipped: ONHAND_TEST_CITUS_URL is not set)', () => {});
}

/** Starts the two servers for the enclosing describe (beforeAll) and stops them after (afterAll). */
export function useTwoServers(create: CreateDatabase) {
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

  return {
    /** Both servers, A then B (once started). */
    servers: () => servers,
    on,
    call,
    send,
    expectRefusedForAvailability,
    expectConflict,
    perColour,
    measure,
    reservation,
    ledger,
    storedStock,
    sorted,
  };
}

/** What useTwoServers gives a test. */
export type TwoServers = ReturnType<typeof useTwoServers>;
