import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Backend, createTestDatabase, testBackends } from '../support/backends.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * Change schedules across midnight and across a restart, with real server processes whose clock is
 * fake (test/support/serve-at.ts: it stands at ONHAND_TEST_CLOCK_START until the server listens, then
 * runs at real speed).
 */

const SECRET = 'ops-secret-for-the-schedule-rollover-test';
const servers: ServerProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  for (const cleanup of cleanups) await cleanup();
});

async function start(env: Record<string, string>, clockStart: string): Promise<ServerProcess> {
  const server = await startServerProcess({ ...env, ONHAND_TEST_CLOCK_START: clockStart }, 30_000, [
    'test/support/serve-at.ts',
  ]);
  servers.push(server);
  return server;
}

async function stop(server: ServerProcess): Promise<void> {
  expect(await server.stop()).toBe(0);
  servers.splice(servers.indexOf(server), 1);
}

async function tokenOf(url: string): Promise<string> {
  const response = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ops', client_secret: SECRET }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function client(url: string, bearer: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/environment/${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
}

type Call = ReturnType<typeof client>;

async function enableSchedules(call: Call, environment: string, commit: boolean): Promise<void> {
  const current = await call('GET', `${environment}/configuration`);
  const config = current.body as {
    inventorySystemConfigurations: { pos: { calculatedMeasures: Record<string, unknown> } };
    scheduleConfiguration: Record<string, unknown>;
  };
  config.scheduleConfiguration = {
    ...config.scheduleConfiguration,
    isScheduleEnabled: true,
    atpCalculatedMeasures: { pos: { availquantity: 30 } },
    commitScheduledChanges: commit,
  };
  expect((await call('POST', `${environment}/configuration/hardupdate`, config)).status).toBe(200);
}

const DIMS = { siteId: '1', locationId: '11', colorId: 'red', sizeId: 's' };
const plan = (id: string, byDate: Record<string, number>) => ({
  id,
  organizationId: 'usmf',
  productId: 'Tent',
  dimensions: DIMS,
  quantitiesByDate: Object.fromEntries(Object.entries(byDate).map(([d, q]) => [d, { pos: { inbound: q } }])),
});

async function rowOf(call: Call, environment: string) {
  const res = await call('POST', `${environment}/onhand/indexquery`, {
    filters: { organizationId: ['usmf'], productId: ['Tent'] },
    groupByValues: ['ColorId', 'SizeId'],
    returnNegative: true,
    QueryATP: true,
  });
  expect(res.status).toBe(200);
  return (
    res.body as { quantities: { pos?: { inbound?: number } }; quantitiesByDate: Record<string, unknown> }[]
  )[0];
}

/** A fresh data directory (and, on PostgreSQL, a fresh database) for servers of one test. */
async function environmentOn(backend: Backend): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onhand-rollover-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    ONHAND_DATA_DIR: dataDir,
    ONHAND_ADMIN_CLIENT_ID: 'ops',
    ONHAND_ADMIN_CLIENT_SECRET: SECRET,
    ONHAND_ENVIRONMENTS: 'commit,lapse',
  };
  if (backend === 'postgres') {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    env.ONHAND_DATABASE_URL = database.url;
  }
  return env;
}

describe.each(testBackends())(
  'change schedules across midnight on %s (real server processes, fake clock)',
  (backend) => {
    const setup = () => environmentOn(backend);

    it('a server down across midnight catches up at start-up: committed exactly once, lapsed by the vendor’s rule', async () => {
      const env = await setup();
      let server = await start(env, '2024-06-01T12:00:00Z');
      let call = client(server.url, await tokenOf(server.url));
      await enableSchedules(call, 'commit', true);
      await enableSchedules(call, 'lapse', false);
      expect(
        (
          await call(
            'POST',
            'commit/onhand/changeschedule',
            plan('c-1', { '2024-06-02': 10, '2024-06-04': 5, '2024-06-20': 1 }),
          )
        ).status,
      ).toBe(200);
      expect(
        (await call('POST', 'lapse/onhand/changeschedule', plan('l-1', { '2024-06-02': 7, '2024-06-20': 1 })))
          .status,
      ).toBe(200);
      expect((await rowOf(call, 'commit'))?.quantities).toEqual({});
      await stop(server);

      // Down for three midnights; the start-up sweep runs before the server answers.
      server = await start(env, '2024-06-04T08:00:00Z');
      call = client(server.url, await tokenOf(server.url));
      const committed = await rowOf(call, 'commit');
      expect(committed?.quantities.pos?.inbound).toBe(15);
      expect(Object.keys(committed?.quantitiesByDate ?? {})).toEqual(['2024-06-20T00:00:00']);
      const lapsed = await rowOf(call, 'lapse');
      expect(lapsed?.quantities).toEqual({});
      expect(Object.keys(lapsed?.quantitiesByDate ?? {})).toEqual(['2024-06-20T00:00:00']);
      await stop(server);

      // Started again the same day: nothing is committed twice.
      server = await start(env, '2024-06-04T09:00:00Z');
      call = client(server.url, await tokenOf(server.url));
      expect((await rowOf(call, 'commit'))?.quantities.pos?.inbound).toBe(15);
      const ledger = (await call('GET', 'commit/ledger?afterSeq=0&limit=1000')).body as { kind: string }[];
      expect(ledger.filter((e) => e.kind.startsWith('schedule.')).map((e) => e.kind)).toEqual([
        'schedule.change',
        'schedule.commit',
      ]);
      await stop(server);
    }, 120_000);

    it('a running server commits a schedule just after midnight', async () => {
      const env = await setup();
      const server = await start(env, '2024-06-01T23:59:54Z');
      const call = client(server.url, await tokenOf(server.url));
      await enableSchedules(call, 'commit', true);
      expect(
        (await call('POST', 'commit/onhand/changeschedule', plan('m-1', { '2024-06-02': 3 }))).status,
      ).toBe(200);
      expect((await rowOf(call, 'commit'))?.quantities).toEqual({});
      const deadline = Date.now() + 20_000;
      let inbound: number | undefined;
      while (Date.now() < deadline) {
        inbound = (await rowOf(call, 'commit'))?.quantities.pos?.inbound;
        if (inbound !== undefined) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(inbound).toBe(3);
      await stop(server);
    }, 60_000);
  },
);

// Several processes share only PostgreSQL (docs/operations.md); SQLite is one process's file.
describe.runIf(testBackends().includes('postgres'))(
  'change schedules across midnight, two servers on one PostgreSQL',
  () => {
    it('two servers starting at once after midnight commit each schedule once', async () => {
      const env = await environmentOn('postgres');
      const first = await start(env, '2024-06-01T12:00:00Z');
      const call = client(first.url, await tokenOf(first.url));
      await enableSchedules(call, 'commit', true);
      for (let i = 0; i < 20; i++) {
        const body = { ...plan(`p-${i}`, { '2024-06-02': 1, '2024-06-03': 2 }), productId: 'Tent' };
        expect((await call('POST', 'commit/onhand/changeschedule', body)).status).toBe(200);
      }
      await stop(first);
      const [a, b] = await Promise.all([
        start(env, '2024-06-03T06:00:00Z'),
        start(env, '2024-06-03T06:00:00Z'),
      ]);
      const callA = client(a.url, await tokenOf(a.url));
      const callB = client(b.url, await tokenOf(b.url));
      expect((await rowOf(callA, 'commit'))?.quantities.pos?.inbound).toBe(60);
      expect((await rowOf(callB, 'commit'))?.quantities.pos?.inbound).toBe(60);
      const ledger = (await callA('GET', 'commit/ledger?afterSeq=0&limit=1000')).body as {
        kind: string;
        changes: { date?: string; delta: number }[];
      }[];
      const committed = ledger
        .filter((e) => e.kind === 'schedule.commit')
        .flatMap((e) => e.changes.filter((c) => c.date === undefined).map((c) => c.delta));
      expect(committed.reduce((x, y) => x + y, 0)).toBe(60);
      await stop(a);
      await stop(b);
    }, 120_000);
  },
);
