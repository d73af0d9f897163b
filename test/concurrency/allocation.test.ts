import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LedgerJson, ledgerDeltaMicro, toMicro } from '../api/api-helpers.js';
import { allocationBody, reallocateBody } from '../support/allocation-helpers.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  expectStoreEqualsLedgerReplay,
  ORG,
  replay,
  reserveBody,
  stockBody,
} from '../support/reservation-helpers.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * Design rule 1 for allocation, through real HTTP: concurrent allocate, unallocate, reallocate and
 * consume requests never over-allocate. Each request is a separate fetch, so the requests meet in the
 * partition writer (one process) or in the database lock (two processes on one PostgreSQL) exactly as
 * concurrent clients' requests do.
 */

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

type Send = (i: number, path: string, body: unknown) => Promise<Answer>;

const CHANNELS = ['web', 'stores', 'marketplace', 'b2b'];

/** The pool of the default configuration, replayed from ledger sums (pos measures only are written). */
const poolOf = (sums: Map<string, bigint>) =>
  (sums.get('pos.inbound') ?? 0n) -
  (sums.get('pos.outbound') ?? 0n) -
  (sums.get('iv.softreserved') ?? 0n) -
  (sums.get('@iv.@allocated') ?? 0n);

/**
 * Walks the ledger of one product in order and checks that right after every accepted allocation the
 * pool was still ≥ 0, and that no group's allocated quantity ever went below zero. Returns the sums.
 */
function checkLedgerOrder(
  ledger: readonly LedgerJson[],
  productId: string,
  someAllocated = true,
): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  const groups = new Map<string, bigint>();
  let allocations = 0;
  for (const entry of ledger) {
    const changes = entry.changes.filter((c) => c.productId === productId);
    if (changes.length === 0) continue;
    for (const c of changes) {
      const key = `${c.dataSource}.${c.measure}`;
      sums.set(key, (sums.get(key) ?? 0n) + ledgerDeltaMicro(c.delta));
      if (c.dataSource === '@allocation' && c.measure === '@allocated') {
        const g = JSON.stringify(c.dimensions);
        const held = (groups.get(g) ?? 0n) + ledgerDeltaMicro(c.delta);
        groups.set(g, held);
        expect(held, `group ${g} after ledger entry ${entry.seq}`).toBeGreaterThanOrEqual(0n);
      }
    }
    if (entry.kind === 'allocation.allocate') {
      allocations++;
      expect(poolOf(sums), `pool after ledger entry ${entry.seq}`).toBeGreaterThanOrEqual(0n);
    }
  }
  if (someAllocated) expect(allocations).toBeGreaterThan(0);
  let total = 0n;
  for (const held of groups.values()) total += held;
  expect(total, 'the groups hold exactly @iv.@allocated').toBe(sums.get('@iv.@allocated') ?? 0n);
  return sums;
}

/** The races, run against any way of sending requests (one process or two). */
function races(title: string, context: () => { send: Send; ledger: () => Promise<LedgerJson[]> }) {
  describe(title, () => {
    const send: Send = (i, path, body) => context().send(i, path, body);
    const groupsOf = (i: number) => ({ channel: CHANNELS[i % CHANNELS.length]! });

    it('when 80 allocations of 1 race for the last 10 units, exactly 10 succeed', async () => {
      const P = 'alloc-last-ten';
      expect((await send(0, '/onhand', stockBody('alt-stock', P, { inbound: 10 }))).status).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          send(i, '/allocation/allocate', allocationBody(`alt-${i}`, P, groupsOf(i), 1)),
        ),
      );
      const granted = answers.filter((a) => a.status === 200);
      expect(granted).toHaveLength(10);
      for (const a of answers.filter((x) => x.status !== 200)) {
        expect(a.status).toBe(409);
        expect(a.body).toMatchObject({
          processingStatus: 'failure',
          code: 'insufficient_available_to_allocate',
        });
      }
      const sums = checkLedgerOrder(await context().ledger(), P);
      expect(poolOf(sums)).toBe(0n);
      expect(sums.get('@iv.@allocated')).toBe(10_000_000n);
    });

    it('allocate, unallocate, reallocate, consume and stock changes racing on one product never over-allocate', async () => {
      const P = 'alloc-mixed';
      expect((await send(0, '/onhand', stockBody('am-stock', P, { inbound: 30 }))).status).toBe(200);
      for (const [i, channel] of CHANNELS.entries()) {
        const pre = await send(i, '/allocation/allocate', allocationBody(`am-pre-${i}`, P, { channel }, 5));
        expect(pre.status).toBe(200);
      }
      const requests: Promise<Answer>[] = [];
      for (let i = 0; i < 120; i++) {
        const from = groupsOf(i);
        const to = groupsOf(i + 1);
        const id = `am-${i}`;
        switch (i % 6) {
          case 0:
          case 1:
            requests.push(send(i, '/allocation/allocate', allocationBody(id, P, from, 1 + (i % 3))));
            break;
          case 2:
            requests.push(send(i, '/allocation/unallocate', allocationBody(id, P, from, 1)));
            break;
          case 3:
            requests.push(send(i, '/allocation/reallocate', reallocateBody(id, P, from, to, 2)));
            break;
          case 4:
            requests.push(
              send(
                i,
                '/allocation/consume',
                allocationBody(
                  id,
                  P,
                  from,
                  1,
                  i % 18 === 4
                    ? { physicalMeasures: { pos: { inbound: 'Subtraction' } } }
                    : i % 18 === 10
                      ? { physicalMeasures: { iv: { softreserved: 'Addition' } } }
                      : {},
                ),
              ),
            );
            break;
          default:
            requests.push(send(i, '/onhand', stockBody(id, P, { inbound: i % 4 === 1 ? 2 : 1 })));
        }
      }
      const answers = await Promise.all(requests);
      for (const a of answers) {
        if (a.status === 200) continue;
        expect(a.status, JSON.stringify(a.body)).toBe(409);
        expect(['insufficient_available_to_allocate', 'insufficient_allocation']).toContain(a.body.code);
      }
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(40);
      const sums = checkLedgerOrder(await context().ledger(), P);
      expect(poolOf(sums)).toBeGreaterThanOrEqual(0n);
      // Every group's remaining, as the query reports it, is what the ledger says it holds.
      const query = await send(0, '/allocation/query', {
        organizationId: ORG,
        productId: P,
        dimensions: { siteId: '1', locationId: '11' },
      });
      expect(query.status).toBe(200);
      const records = query.body as unknown as { remaining: number }[];
      let remaining = 0n;
      for (const r of records) {
        expect(r.remaining).toBeGreaterThanOrEqual(0);
        remaining += toMicro(r.remaining);
      }
      expect(remaining).toBe(sums.get('@iv.@allocated') ?? 0n);
    });

    it('reservations and allocations racing for 20 units never claim more than 20 together', async () => {
      const P = 'alloc-vs-reserve';
      expect((await send(0, '/onhand', stockBody('avr-stock', P, { inbound: 20 }))).status).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          i % 2 === 0
            ? send(i, '/allocation/allocate', allocationBody(`avr-a${i}`, P, groupsOf(i), 1))
            : send(i, '/onhand/reserve', reserveBody(`avr-r${i}`, P, 1)),
        ),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
      // Which side wins depends on the race; together they never take more than the stock.
      const sums = checkLedgerOrder(await context().ledger(), P, false);
      expect(poolOf(sums)).toBe(0n);
    });
  });
}

describe.each(testBackends())('one process on %s', (backend) => {
  let h: Harness;
  let base = '';
  beforeAll(async () => {
    h = await startHarness({ backend });
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => h?.close());

  const send: Send = async (_i, path, body) => {
    const res = await fetch(`${base}/api/environment/test${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  races('through real HTTP', () => ({
    send,
    ledger: async () => expectStoreEqualsLedgerReplay(h, 'test'),
  }));
});

const onPostgres = testBackends().includes('postgres');
const SECRET = 'ops-secret-for-the-allocation-race';

(onPostgres ? describe : describe.skip)('two server processes sharing one PostgreSQL database', () => {
  let dataDir = '';
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let servers: ServerProcess[] = [];
  let bearer = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-allocation-race-'));
    database = await createTestDatabase();
    const env = {
      ONHAND_DATABASE_URL: database.url,
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: 'test',
    };
    servers = [await startServerProcess(env), await startServerProcess(env)];
    const response = await fetch(`${servers[0]!.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'ops',
        client_secret: SECRET,
      }),
    });
    bearer = ((await response.json()) as { access_token: string }).access_token;
  }, 120_000);

  afterAll(async () => {
    try {
      await Promise.all(servers.map((s) => s.stop()));
    } finally {
      await database?.drop();
      if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const call = async (i: number, method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${servers[i % 2]!.url}/api/environment/test${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** The whole ledger, and a check that it replays to the stock stored in the database. */
  async function ledger(): Promise<LedgerJson[]> {
    const entries: LedgerJson[] = [];
    for (;;) {
      const page = (await call(0, 'GET', `/ledger?afterSeq=${entries.at(-1)?.seq ?? 0}&limit=1000`))
        .body as unknown as LedgerJson[];
      entries.push(...page);
      if (page.length < 1000) break;
    }
    const replayed = replay(entries);
    // Every group row the ledger built exists in the database with that value: read them back per product.
    for (const productId of new Set(entries.flatMap((e) => e.changes.map((c) => c.productId)))) {
      const rows = (
        await call(0, 'POST', '/allocation/query', {
          organizationId: ORG,
          productId,
          dimensions: { siteId: '1', locationId: '11' },
        })
      ).body as unknown as { groups: Record<string, string>; remaining: number }[];
      for (const r of rows) {
        const dims = Object.fromEntries([
          ...Object.values(r.groups).map((v, level) => [`@g${level}`, v]),
          ['locationid', '11'],
          ['siteid', '1'],
        ]);
        const key = JSON.stringify([
          ORG,
          productId,
          Object.entries(dims).sort(([a], [b]) => (a < b ? -1 : 1)),
          '@allocation',
          '@allocated',
        ]);
        expect(toMicro(r.remaining)).toBe(replayed.get(key) ?? 0n);
      }
    }
    return entries;
  }

  races('alternating between the processes', () => ({
    send: (i, path, body) => call(i, 'POST', path, body),
    ledger,
  }));
});
