import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type LedgerJson, toMicro } from '../api/api-helpers.js';
import { type Answer, races } from '../support/allocation-races.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { ORG, replay } from '../support/reservation-helpers.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/*
 * The allocation races (test/support/allocation-races.ts) alternating between two server processes
 * that share one PostgreSQL database, where only the database lock can serialise them.
 */

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
