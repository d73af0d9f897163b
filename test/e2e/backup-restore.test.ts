import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../bench/invariants.js';
import { openStore } from '../../src/open-store.js';
import { loadSettings } from '../../src/settings.js';
import type { LedgerJson } from '../api/api-helpers.js';
import { type Backend, createTestDatabase, testBackends } from '../support/backends.js';
import { OnhandHttp } from '../support/onhand-http.js';
import { AT, ORG, reserveBody, stockBody } from '../support/reservation-helpers.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { requiredTool } from '../support/tools.js';

/**
 * The backups of docs/operations.md, taken and restored as the guide says, while a client keeps
 * writing: PostgreSQL with pg_dump and pg_restore, SQLite with `sqlite3 … ".backup …"`. A server started
 * on the restored copy (with the original's keys/) answers queries, reservations and the ledger as the
 * original did, accepts the original's tokens, recognises event ids sent before the backup, and passes
 * the invariant checker of the benchmarks (ledger replay equals stored state, nothing oversold,
 * reservations add up). With CI=true a missing database or tool fails here.
 */
const exec = promisify(execFile);
const ENV = 'shop';
const SECRET = 'ops-secret-for-the-backup-test';
const QUIET = ['lamp', 'mug', 'desk'];
const BUSY = 'busy';

const backends = testBackends();
const tools: Partial<Record<Backend, Record<string, string | undefined>>> = {
  sqlite: { sqlite3: requiredTool('sqlite3', 'apt-get install sqlite3') },
  ...(backends.includes('postgres')
    ? {
        postgres: {
          pg_dump: requiredTool('pg_dump', 'apt-get install postgresql-client'),
          pg_restore: requiredTool('pg_restore', 'apt-get install postgresql-client'),
        },
      }
    : {}),
};

/** Whether the backend's backup tools are installed (without them, outside CI, its test is skipped). */
const installed = (backend: Backend) => Object.values(tools[backend] ?? {}).every((t) => t !== undefined);

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `onhand-backup-${name}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({
    ONHAND_ADMIN_CLIENT_ID: 'ops',
    ONHAND_ADMIN_CLIENT_SECRET: SECRET,
    ONHAND_ENVIRONMENTS: ENV,
    ...env,
  });
  cleanups.push(async () => void (await server.stop()));
  return server;
}

/** Stock, reservations, a release, a count: the state the backup must keep. Returns reservation ids. */
async function writeQuietly(a: OnhandHttp): Promise<string[]> {
  await a.write('/onhand/bulk', [
    stockBody('receipt-lamp', 'lamp', { inbound: 10 }),
    stockBody('receipt-mug', 'mug', { inbound: 25.5, outbound: 2 }),
    stockBody('receipt-desk-red', 'desk', { inbound: 4 }, { ...AT, colorId: 'red' }),
    stockBody('receipt-desk-blue', 'desk', { inbound: 6 }, { ...AT, colorId: 'blue' }),
  ]);
  const ids: string[] = [];
  for (const [event, product, quantity] of [
    ['order-1', 'lamp', 3],
    ['order-2', 'lamp', 4],
    ['order-3', 'mug', 1.25],
  ] as const) {
    const answer = await a.write('/onhand/reserve', reserveBody(event, product, quantity));
    ids.push((answer.body as { reservationId: string }).reservationId);
  }
  await a.write('/onhand/unreserve', {
    id: 'cancel-order-2',
    organizationId: ORG,
    productId: 'lamp',
    reservationId: ids[1],
    OffsetQty: 4,
  });
  await a.write('/setonhand/pos/bulk', [
    { ...stockBody('count-desk-red', 'desk', { inbound: 3 }, { ...AT, colorId: 'red' }) },
  ]);
  return ids;
}

/** A client that keeps changing BUSY's stock until stopped; the event ids acknowledged, in order. */
function keepWriting(a: OnhandHttp): {
  acknowledged: string[];
  until: (count: number) => Promise<void>;
  stop: () => Promise<void>;
} {
  const acknowledged: string[] = [];
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const id = `busy-${i}`;
      const answer = await a.call('POST', '/onhand', stockBody(id, BUSY, { inbound: 1 }));
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      acknowledged.push(id);
    }
  })();
  return {
    acknowledged,
    // Waits until `count` writes were acknowledged; a failed write fails the wait at once.
    until: async (count) => {
      while (acknowledged.length < count)
        await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 20))]);
    },
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** How each backend is backed up and restored: the commands of docs/operations.md. */
interface Procedure {
  /** Settings of the original server. */
  readonly original: Record<string, string>;
  /** Takes the backup (while the original serves and a client writes). */
  backup(): Promise<void>;
  /** Restores the backup into a fresh database and data directory; the restored server's settings. */
  restore(keysFrom: string): Promise<Record<string, string>>;
}

async function procedure(backend: Backend): Promise<Procedure> {
  const dataDir = tempDir('original');
  const work = tempDir('work');
  if (backend === 'sqlite') {
    const sqlite3 = tools.sqlite?.sqlite3 ?? 'sqlite3';
    return {
      original: { ONHAND_DATA_DIR: dataDir },
      backup: async () => {
        await exec(sqlite3, [join(dataDir, 'onhand.db'), `.backup '${join(work, 'onhand.db')}'`]);
      },
      restore: async () => {
        const restored = tempDir('restored');
        cpSync(join(dataDir, 'keys'), join(restored, 'keys'), { recursive: true });
        cpSync(join(work, 'onhand.db'), join(restored, 'onhand.db'));
        return { ONHAND_DATA_DIR: restored };
      },
    };
  }
  const { pg_dump = 'pg_dump', pg_restore = 'pg_restore' } = tools.postgres ?? {};
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const dump = join(work, 'onhand.dump');
  return {
    original: { ONHAND_DATA_DIR: dataDir, ONHAND_DATABASE_URL: database.url },
    backup: async () => {
      await exec(pg_dump, ['--format=custom', `--file=${dump}`, database.url]);
    },
    restore: async () => {
      const fresh = await createTestDatabase();
      cleanups.push(() => fresh.drop());
      await exec(pg_restore, ['--no-owner', '--exit-on-error', `--dbname=${fresh.url}`, dump]);
      const restored = tempDir('restored');
      cpSync(join(dataDir, 'keys'), join(restored, 'keys'), { recursive: true });
      return { ONHAND_DATA_DIR: restored, ONHAND_DATABASE_URL: fresh.url };
    },
  };
}

const identity = (e: LedgerJson) => `${e.kind} ${e.eventId}`;
/** An entry without what the feed's sequencer stamps after the commit (on PostgreSQL, a commit not yet
 * stamped when the backup was taken is stamped again by the restored server). */
const unstamped = (entry: LedgerJson) => {
  const { position: _, fedAt: __, ...rest } = entry as LedgerJson & { fedAt?: string };
  return rest;
};

describe.each(backends)('a backup restored into a fresh database (%s)', (backend) => {
  it.runIf(installed(backend))(
    'serves the same stock, reservations and ledger, and passes the invariant checker',
    async () => {
      const steps = await procedure(backend);
      const original = await serve(steps.original);
      const bearer = await OnhandHttp.token(original, 'ops', SECRET);
      const a = new OnhandHttp(original, ENV, bearer);
      const reservationIds = await writeQuietly(a);
      const reservations = async (client: OnhandHttp) =>
        Promise.all(reservationIds.map((id) => client.call('GET', `/onhand/reservations/${id}`)));
      const before = {
        ledger: await a.ledger(),
        query: await a.query(QUIET),
        reservations: await reservations(a),
      };

      // The backup, taken while a client keeps writing.
      const busy = keepWriting(a);
      await busy.until(5);
      const acknowledgedBeforeBackup = [...busy.acknowledged];
      await steps.backup();
      await busy.until(acknowledgedBeforeBackup.length + 5);
      await busy.stop();
      const finalLedger = await a.ledger();

      const restoredSettings = await steps.restore(steps.original.ONHAND_DATA_DIR!);
      const restored = await serve(restoredSettings);
      // The original's token: the restored keys/ verify it.
      const b = new OnhandHttp(restored, ENV, bearer);

      expect(await b.query(QUIET)).toEqual(before.query);
      expect(await reservations(b)).toEqual(before.reservations);
      const ledger = await b.ledger();
      // What was written before the backup began is there as it was, positions included …
      expect(ledger.slice(0, before.ledger.length)).toEqual(before.ledger);
      const restoredIds = new Set(ledger.map((e) => e.eventId));
      expect(acknowledgedBeforeBackup.filter((id) => !restoredIds.has(id))).toEqual([]);
      // … and every other restored entry is one of the original's, with the same changes.
      const originals = new Map(finalLedger.map((e) => [identity(e), unstamped(e)]));
      for (const entry of ledger) expect(unstamped(entry)).toEqual(originals.get(identity(entry)));
      expect(ledger.length).toBeLessThanOrEqual(finalLedger.length);

      // Event ids sent before the backup are recognised: a resend is answered with its first outcome.
      const resent = await b.write('/onhand/reserve', reserveBody('order-1', 'lamp', 3));
      expect(resent.replayed).toBe(true);
      expect((resent.body as { reservationId: string }).reservationId).toBe(reservationIds[0]);
      expect(await b.query(QUIET)).toEqual(before.query);
      // The restored server takes new writes after the restored ones.
      await b.write('/onhand', stockBody('after-restore', 'lamp', { inbound: 1 }));
      const grown = await b.ledger();
      expect(grown.slice(0, ledger.length)).toEqual(ledger);
      expect(grown.slice(ledger.length).map((e) => e.eventId)).toEqual(['after-restore']);

      expect(await restored.stop()).toBe(0);
      const store = await openStore(loadSettings({}, restoredSettings));
      try {
        const report = await checkInvariants(store, ENV, grown.length);
        expect(report.ledgerEntries).toBe(grown.length);
        expect(report.reservations).toBe(reservationIds.length);
      } finally {
        await store.close();
      }
    },
    120_000,
  );
});
