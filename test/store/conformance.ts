import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Dimensions } from '../../src/domain/dimensions.js';
import { MAX_STORED_QTY } from '../../src/domain/quantity.js';
import type { LedgerEntry, StockKey, StockRow, Store, StoreTx } from '../../src/store/store.js';
import { describeCatalogueConformance } from './conformance-catalogue.js';
import { describeConfigurationGuardConformance } from './conformance-configuration-guards.js';
import { describeFeedConformance } from './conformance-feed.js';
import { describeProductReservationConformance } from './conformance-product-reservations.js';
import { describeReservationConformance } from './conformance-reservations.js';
import { describeScheduleConformance } from './conformance-schedule.js';
import { describeTransferConformance } from './conformance-transfer.js';
import { describeWebhookConformance } from './conformance-webhooks.js';
import {
  ALL_ORGS,
  client,
  ENV,
  entry,
  environment,
  gate,
  keyOf,
  OTHER,
  ordered,
  reservation,
  row,
  scheduled,
  settle,
  sleep,
  UNIT,
} from './fixtures.js';

/**
 * The one conformance suite of the Store port (design.md, Storage). Every backend runs it unchanged
 * through its own test file; it only uses the port, and asserts what a caller can observe.
 */

/** What a backend gives the suite for each test: a fresh database and a way to open it again. */
export interface StoreHandle {
  /** A store on a fresh, empty database. Not yet migrated: the suite calls `migrate()` itself. */
  readonly store: Store;
  /**
   * Opens another store on the same database (after `store.close()`, to check durability). The suite
   * calls `migrate()` on it before use.
   */
  readonly reopen: () => Promise<Store>;
  /** Closes every store of this handle that is still open and removes the database. */
  readonly cleanup: () => Promise<void>;
}

/** Defines one test of the suite (skipped when the backend's options name it). */
export type DefineTest = (title: string, fn: () => Promise<void>, timeoutMs?: number) => void;

/** Options of the suite. */
export interface ConformanceOptions {
  /** Tests to skip, by exact title, each with the reason the backend cannot pass it. */
  readonly skip?: Readonly<Record<string, string>>;
}

/** Two organizations × three products × five dimension tuples × two measures, in no useful order. */
const DATASET: readonly StockRow[] = (() => {
  const variants: Dimensions[] = [
    {},
    { locationid: 'l1', siteid: 's1' },
    { locationid: 'l2', siteid: 's1' },
    { locationid: 'l1', siteid: 's2' },
    { colorid: 'red', locationid: 'l1', siteid: 's1' },
  ];
  const rows: StockRow[] = [];
  for (const organizationId of ['org2', 'org1']) {
    for (const productId of ['p3', 'p1', 'p2']) {
      for (const [i, dimensions] of variants.entries()) {
        const partitionId = `${organizationId}~${dimensions.siteid ?? ''}~${dimensions.locationid ?? ''}`;
        const base = { organizationId, productId, dimensions, partitionId, quantity: BigInt(i) * UNIT };
        rows.push(row({ ...base, dataSource: 'pos', measure: 'outbound' }));
        rows.push(row({ ...base, dataSource: 'fno', measure: 'arrived' }));
      }
    }
  }
  return rows;
})();

/**
 * Defines the conformance tests for one backend. `open` is called before every test and must give a
 * fresh, empty database; `handle.cleanup` is called after it.
 */
export function describeStoreConformance(
  name: string,
  open: () => Promise<StoreHandle>,
  options: ConformanceOptions = {},
): void {
  const skip = options.skip ?? {};
  const titles = new Set<string>();
  const test: DefineTest = (title, fn, timeoutMs) => {
    titles.add(title);
    const reason = skip[title];
    if (reason !== undefined) it.skip(`${title} [skipped on ${name}: ${reason}]`, fn);
    else it(title, fn, timeoutMs);
  };

  describe(`Store conformance: ${name}`, () => {
    let handle: StoreHandle;
    let store: Store;

    beforeEach(async () => {
      handle = await open();
      store = handle.store;
      await store.migrate();
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    const write = (env: string, rows: readonly StockRow[]) =>
      store.transaction(['k'], (tx) => tx.writeRows(env, rows));
    const append = (entries: readonly LedgerEntry[]) =>
      store.transaction(['k'], (tx) => tx.appendLedger(entries));
    const readRows = (env: string, keys: readonly StockKey[]) =>
      store.transaction(['k'], (tx) => tx.readRows(env, keys));
    const findEvents = (env: string, family: string, ids: readonly string[]) =>
      store.transaction(['k'], (tx) => tx.findEvents(env, family, ids));

    // Schema and environments

    test('migrate is idempotent and keeps existing data', async () => {
      await store.migrate();
      await store.saveEnvironment(environment());
      await write(ENV, [row()]);
      await store.migrate();
      await store.ping();
      expect(await store.getEnvironment(ENV)).toEqual(environment());
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row()]);
    });

    test('an environment is created once, read back exactly, and listed by id', async () => {
      expect(await store.saveEnvironment(environment())).toBe(true);
      expect(await store.saveEnvironment(environment({ version: 7 }))).toBe(false);
      expect(await store.saveEnvironment(environment({ environmentId: 'env-0' }))).toBe(true);
      expect(await store.getEnvironment(ENV)).toEqual(environment());
      expect(await store.getEnvironment('missing')).toBeUndefined();
      const ids = (await store.listEnvironments()).map((e) => e.environmentId);
      expect(ids).toEqual(['env-0', ENV]);
    });

    test('saving an environment with an expected version is a compare-and-swap', async () => {
      await store.saveEnvironment(environment());
      const next = environment({
        configuration: { changed: true },
        version: 2,
        updatedAt: '2024-06-01T00:00:00Z',
      });
      expect(await store.saveEnvironment(next, 1)).toBe(true);
      expect(await store.saveEnvironment(environment({ version: 3 }), 1)).toBe(false);
      expect(await store.getEnvironment(ENV)).toEqual(next);
      expect(await store.saveEnvironment(environment({ environmentId: 'missing', version: 2 }), 1)).toBe(
        false,
      );
      expect(await store.getEnvironment('missing')).toBeUndefined();
    });

    // Stock rows

    test('written rows read back exactly: extreme and negative quantities, unicode and 256-char ids', async () => {
      const long = 'x'.repeat(255) + 'é';
      const rows = [
        row({ quantity: 123456789012345678n, countedAt: '2024-05-01T10:00:00.000Z' }),
        row({ productId: 'p2', quantity: -123456789012345678n }),
        row({ productId: 'p3', quantity: MAX_STORED_QTY }),
        row({ productId: 'p4', quantity: -MAX_STORED_QTY, dimensions: {} }),
        row({ productId: 'p5', quantity: 9223372036854775807n, measure: 'max' }),
        row({ productId: 'p5', quantity: -9223372036854775808n, measure: 'min' }),
        row({ productId: 'p6', quantity: 0n, dataSource: 'iv' }),
        row({
          organizationId: 'Örg-東京',
          productId: '製品-🚀-ß',
          dimensions: { colorid: 'rouge-ÿ-🎨', locationid: 'l-é', siteid: 'サイト' },
          partitionId: 'Örg-東京~サイト~l-é',
          quantity: -1n,
        }),
        row({
          organizationId: long,
          productId: long,
          dimensions: { colorid: long, locationid: long, siteid: long },
          dataSource: long,
          measure: long,
          partitionId: `${long}~${long}~${long}`,
        }),
      ];
      await write(ENV, rows);
      const missing = keyOf(row({ productId: 'nothing' }));
      const found = await readRows(ENV, [...rows.map(keyOf), missing]);
      expect(ordered(found)).toEqual(ordered(rows));
      const all = await store.readStock(ENV, { organizationIds: ['org1', 'Örg-東京', long] });
      expect(ordered(all)).toEqual(ordered(rows));
      const bySite = await store.readStock(ENV, { organizationIds: ['Örg-東京'], siteIds: ['サイト'] });
      expect(bySite).toEqual([rows[7]]);
    });

    test('writing a row again replaces its quantity and count time', async () => {
      await write(ENV, [row(), row({ productId: 'p2' })]);
      const replaced = row({ quantity: -2n * UNIT, countedAt: '2024-05-02T00:00:00.000Z' });
      await write(ENV, [replaced]);
      expect(await readRows(ENV, [keyOf(row())])).toEqual([replaced]);
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([replaced, row({ productId: 'p2' })]);
    });

    const expected = (keep: (r: StockRow) => boolean) => ordered(DATASET.filter(keep));
    const site = (r: StockRow) => r.dimensions.siteid ?? '';
    const location = (r: StockRow) => r.dimensions.locationid ?? '';

    test('readStock returns the rows of the named organizations, in key order', async () => {
      await write(ENV, DATASET);
      const org1 = await store.readStock(ENV, { organizationIds: ['org1'] });
      expect(org1).toEqual(expected((r) => r.organizationId === 'org1'));
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual(ordered(DATASET));
      expect(await store.readStock(ENV, { organizationIds: ['nobody'] })).toEqual([]);
      expect(await store.readStock(ENV, { organizationIds: [] })).toEqual([]);
    });

    test('readStock treats absent or empty product, site and location lists as any', async () => {
      await write(ENV, DATASET);
      const any = await store.readStock(ENV, {
        organizationIds: ['org1'],
        productIds: [],
        siteIds: [],
        locationIds: [],
      });
      expect(any).toEqual(expected((r) => r.organizationId === 'org1'));
    });

    test('readStock filters by product, site and location lists, alone and combined', async () => {
      await write(ENV, DATASET);
      const products = await store.readStock(ENV, {
        organizationIds: ['org1'],
        productIds: ['p3', 'p1', 'zz'],
      });
      expect(products).toEqual(expected((r) => r.organizationId === 'org1' && r.productId !== 'p2'));
      const sites = await store.readStock(ENV, { ...ALL_ORGS, siteIds: ['s1'] });
      expect(sites).toEqual(expected((r) => site(r) === 's1'));
      const locations = await store.readStock(ENV, { organizationIds: ['org2'], locationIds: ['l1'] });
      expect(locations).toEqual(expected((r) => r.organizationId === 'org2' && location(r) === 'l1'));
      const all = {
        organizationIds: ['org1'],
        productIds: ['p2'],
        siteIds: ['s1', 's2'],
        locationIds: ['l1'],
      };
      expect(await store.readStock(ENV, all)).toEqual(
        expected(
          (r) =>
            r.organizationId === 'org1' && r.productId === 'p2' && location(r) === 'l1' && site(r) !== '',
        ),
      );
    });

    test('readStock accepts 5,000 product ids and 10,000 site or location ids', async () => {
      const rows = Array.from({ length: 5000 }, (_, i) =>
        row({
          productId: `p${i}`,
          dimensions: { locationid: `l${i % 50}`, siteid: `s${i % 100}` },
          partitionId: `org1~s${i % 100}~l${i % 50}`,
        }),
      );
      await write(ENV, rows);
      const products = rows.map((r) => r.productId);
      expect(await store.readStock(ENV, { organizationIds: ['org1'], productIds: products })).toHaveLength(
        5000,
      );
      const half = [...products.slice(0, 2500), ...products.slice(0, 2500).map((p) => `${p}-none`)];
      expect(await store.readStock(ENV, { organizationIds: ['org1'], productIds: half })).toHaveLength(2500);
      const sites = Array.from({ length: 10_000 }, (_, i) => `s${i}`);
      expect(await store.readStock(ENV, { organizationIds: ['org1'], siteIds: sites })).toHaveLength(5000);
      const locations = Array.from({ length: 10_000 }, (_, i) => `l${i + 40}`);
      const few = await store.readStock(ENV, {
        organizationIds: ['org1'],
        productIds: products,
        locationIds: locations,
      });
      expect(few).toEqual(ordered(rows.filter((_, i) => i % 50 >= 40)));
    }, 60_000);

    // Transactions

    test('a transaction resolves with the value its function returns', async () => {
      expect(await store.transaction(['k'], async () => 42)).toBe(42);
    });

    test('a read outside a transaction does not see its writes until it commits', async () => {
      const written = gate();
      const release = gate();
      const done = settle(
        store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row()]);
          await tx.appendLedger([entry({ reference: 'r1' })]);
          await tx.writeReservations(ENV, [reservation({ expiresAt: '2024-05-01T11:00:00.000Z' })]);
          written.open();
          await release.opened;
        }),
      );
      await written.opened;
      const seen = await settle(
        Promise.all([
          store.readStock(ENV, ALL_ORGS),
          store.hasStock(ENV),
          store.listPartitionIds(ENV),
          store.readLedger(ENV, 0, 10),
          store.readLedgerByReference(ENV, 'r1', 10),
          store.getReservation(ENV, 'r1'),
          store.listDueReservations('2024-05-02T00:00:00.000Z', 10),
          store.nextExpiry(),
        ]),
      );
      release.open(); // before asserting, so a failure cannot leave the transaction open
      expect(seen).toEqual({ ok: true, value: [[], false, [], [], [], undefined, [], null] });
      expect((await done).ok).toBe(true);
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row()]);
      expect(await store.readLedger(ENV, 0, 10)).toHaveLength(1);
      expect(await store.readLedgerByReference(ENV, 'r1', 10)).toHaveLength(1);
      expect(await store.getReservation(ENV, 'r1')).toEqual(
        reservation({ expiresAt: '2024-05-01T11:00:00.000Z' }),
      );
    });

    test('when the function throws, the transaction rejects with that error and writes nothing', async () => {
      const boom = new Error('boom');
      const outcome = await settle(
        store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row()]);
          await tx.appendLedger([entry()]);
          throw boom;
        }),
      );
      expect(outcome).toEqual({ ok: false, error: boom });
      expect(await store.hasStock(ENV)).toBe(false);
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([]);
      expect(await store.readLedger(ENV, 0, 10)).toEqual([]);
      expect((await findEvents(ENV, 'change', ['e1'])).size).toBe(0);
    });

    test('writes made outside a transaction while it is open are not rolled back with it', async () => {
      const started = gate();
      const release = gate();
      const done = settle(
        store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row()]);
          started.open();
          await release.opened;
          throw new Error('abort');
        }),
      );
      await started.opened;
      const created = settle(store.createClient(client()));
      const saved = settle(store.saveEnvironment(environment()));
      release.open();
      expect((await done).ok).toBe(false);
      expect(await created).toEqual({ ok: true, value: true });
      expect(await saved).toEqual({ ok: true, value: true });
      expect(await store.getClient('client-1')).toEqual(client());
      expect(await store.getEnvironment(ENV)).toEqual(environment());
      expect(await store.hasStock(ENV)).toBe(false);
    });

    test('transactions on the same lock key run one after the other', async () => {
      await write(ENV, [row({ quantity: 0n })]);
      const trace: string[] = [];
      const increment = (n: number) =>
        store.transaction(['env-a~org1~p1~org1%7Es1%7El1'], async (tx) => {
          trace.push(`start ${n}`);
          const [current] = await tx.readRows(ENV, [keyOf(row())]);
          await sleep(10);
          await tx.writeRows(ENV, [row({ quantity: (current?.quantity ?? 0n) + UNIT })]);
          trace.push(`end ${n}`);
        });
      await Promise.all(Array.from({ length: 10 }, (_, n) => increment(n)));
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row({ quantity: 10n * UNIT })]);
      for (let i = 0; i < trace.length; i += 2) {
        expect(trace[i]?.replace('start', 'end')).toBe(trace[i + 1]);
      }
    });

    test('a transaction object cannot be used after its transaction ended', async () => {
      let committed: StoreTx | undefined;
      let rolledBack: StoreTx | undefined;
      await store.transaction(['k'], async (tx) => {
        committed = tx;
      });
      await settle(
        store.transaction(['k'], async (tx) => {
          rolledBack = tx;
          throw new Error('abort');
        }),
      );
      for (const tx of [committed, rolledBack]) {
        expect(tx).toBeDefined();
        await expect(tx?.writeRows(ENV, [row()])).rejects.toThrow();
        await expect(tx?.appendLedger([entry()])).rejects.toThrow();
        await expect(tx?.readRows(ENV, [keyOf(row())])).rejects.toThrow();
        await expect(tx?.readProductRows(ENV, 'org1', 'p1', 'org1~s1~l1')).rejects.toThrow();
        await expect(tx?.writeReservations(ENV, [reservation()])).rejects.toThrow();
        await expect(tx?.readReservations(ENV, ['r1'])).rejects.toThrow();
        await expect(tx?.readOpenReservations(ENV, 'org1', 'p1', 'org1~s1~l1')).rejects.toThrow();
      }
      expect(await store.hasStock(ENV)).toBe(false);
      expect(await store.readLedger(ENV, 0, 10)).toEqual([]);
      expect(await store.getReservation(ENV, 'r1')).toBeUndefined();
    });

    // The ledger

    test('ledger entries read back exactly, in sequence order, after a cursor and up to a limit', async () => {
      const first = [entry(), entry({ eventId: null, family: 'cleanup', kind: 'cleanup', changes: [] })];
      const second = [
        entry({ eventId: 'e2', request: null, outcome: ['a', { b: 1.5 }] }),
        entry({ eventId: null }),
      ];
      const seqs1 = await append(first);
      const seqs2 = await append(second);
      const seqs = [...seqs1, ...seqs2];
      expect(seqs).toHaveLength(4);
      expect(seqs[0]).toBeGreaterThan(0);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] ?? 0);
      const records = [...first, ...second].map((e, i) => ({ ...e, seq: seqs[i] }));
      expect(await store.readLedger(ENV, 0, 100)).toEqual(records);
      expect(await store.readLedger(ENV, seqs[1] ?? 0, 100)).toEqual(records.slice(2));
      expect(await store.readLedger(ENV, 0, 1)).toEqual(records.slice(0, 1));
      expect(await store.readLedger(ENV, seqs[3] ?? 0, 100)).toEqual([]);
    });

    test('findEvents returns the seq, body hash and outcome of recorded event ids only', async () => {
      const seqs = await append([entry(), entry({ eventId: 'e2', bodyHash: 'hash-2', outcome: { n: 2 } })]);
      const found = await findEvents(ENV, 'change', ['e2', 'e1', 'unknown']);
      const commit = expect.any(Number);
      expect(found).toEqual(
        new Map([
          ['e1', { seq: seqs[0], commit, bodyHash: 'hash-1', outcome: entry().outcome }],
          ['e2', { seq: seqs[1], commit, bodyHash: 'hash-2', outcome: { n: 2 } }],
        ]),
      );
      expect((await findEvents(ENV, 'change', [])).size).toBe(0);
      expect((await findEvents(ENV, 'reserve', ['e1'])).size).toBe(0);
    });

    test('a duplicate event id in the same environment and family rejects and rolls back', async () => {
      await append([entry()]);
      const retry = await settle(
        store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row()]);
          await tx.appendLedger([entry({ bodyHash: 'other' })]);
        }),
      );
      expect(retry.ok).toBe(false);
      const batch = await settle(append([entry({ eventId: 'e9' }), entry({ eventId: 'e9' })]));
      expect(batch.ok).toBe(false);
      expect(await store.hasStock(ENV)).toBe(false);
      const ledger = await store.readLedger(ENV, 0, 10);
      expect(ledger.map((r) => [r.eventId, r.bodyHash])).toEqual([['e1', 'hash-1']]);
    });

    test('the same event id is allowed in another family or another environment', async () => {
      const [a, b, c] = await append([
        entry(),
        entry({ family: 'reserve' }),
        entry({ environmentId: OTHER }),
      ]);
      expect((await findEvents(ENV, 'change', ['e1'])).get('e1')?.seq).toBe(a);
      expect((await findEvents(ENV, 'reserve', ['e1'])).get('e1')?.seq).toBe(b);
      expect((await findEvents(OTHER, 'change', ['e1'])).get('e1')?.seq).toBe(c);
    });

    // Partitions

    test('deletePartitions removes and returns the rows of the named partitions only', async () => {
      const a = [row(), row({ productId: 'p2', measure: 'outbound' })];
      const b = [row({ dimensions: { locationid: 'l2', siteid: 's1' }, partitionId: 'org1~s1~l2' })];
      const c = [row({ dimensions: {}, partitionId: 'org1~~' })];
      await write(ENV, [...a, ...b, ...c]);
      expect(await store.listPartitionIds(ENV)).toEqual(['org1~s1~l1', 'org1~s1~l2', 'org1~~']);
      const deleted = await store.transaction(['k'], (tx) =>
        tx.deletePartitions(ENV, ['org1~s1~l1', 'org1~s1~l2']),
      );
      expect(ordered(deleted)).toEqual(ordered([...a, ...b]));
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual(c);
      expect(await store.listPartitionIds(ENV)).toEqual(['org1~~']);
      expect(await store.hasStock(ENV)).toBe(true);
      expect(await store.transaction(['k'], (tx) => tx.deletePartitions(ENV, []))).toEqual([]);
      expect(await store.transaction(['k'], (tx) => tx.deletePartitions(ENV, ['org1~~']))).toEqual(c);
      expect(await store.hasStock(ENV)).toBe(false);
      expect(await store.listPartitionIds(ENV)).toEqual([]);
    });

    // Reservations and ledger references (conformance-reservations.ts)

    describeReservationConformance(test, () => store);
    describeProductReservationConformance(test, () => store);

    // On-hand change schedules (conformance-schedule.ts)

    describeScheduleConformance(test, () => store);

    // Export and import (conformance-transfer.ts)

    describeTransferConformance(test, () => store);

    // Reads of configuration guards (conformance-configuration-guards.ts)

    describeConfigurationGuardConformance(test, () => store);

    // The change feed (conformance-feed.ts)

    describeFeedConformance(test, () => store);

    // Webhook subscriptions and deliveries (conformance-webhooks.ts)

    describeWebhookConformance(test, () => store);
    // Product catalogue, background jobs, adjustment lines (conformance-catalogue.ts)

    describeCatalogueConformance(test, () => store);

    // Tenancy

    test("one environment never sees another environment's rows, ledger or events", async () => {
      await write(ENV, [row({ quantity: 1n })]);
      await write(OTHER, [row({ quantity: 2n }), row({ productId: 'p2' })]);
      await append([entry({ environmentId: OTHER, eventId: 'only-b' })]);
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row({ quantity: 1n })]);
      expect(await readRows(ENV, [keyOf(row()), keyOf(row({ productId: 'p2' }))])).toEqual([
        row({ quantity: 1n }),
      ]);
      expect(await store.readLedger(ENV, 0, 10)).toEqual([]);
      expect((await findEvents(ENV, 'change', ['only-b'])).size).toBe(0);
      expect(await store.hasStock('env-c')).toBe(false);
      expect(await store.listPartitionIds('env-c')).toEqual([]);
      expect(await store.transaction(['k'], (tx) => tx.deletePartitions('env-c', ['org1~s1~l1']))).toEqual(
        [],
      );
      await store.transaction(['k'], (tx) => tx.deletePartitions(OTHER, ['org1~s1~l1']));
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row({ quantity: 1n })]);
      expect(await store.hasStock(OTHER)).toBe(false);
    });

    // Clients

    test('clients are created once, read, updated, and listed by id', async () => {
      expect(await store.createClient(client())).toBe(true);
      expect(await store.createClient(client({ secretHash: 'other' }))).toBe(false);
      const admin = client({ clientId: 'admin-0', roles: { '*': 'admin' } });
      expect(await store.createClient(admin)).toBe(true);
      expect(await store.getClient('client-1')).toEqual(client());
      expect(await store.getClient('missing')).toBeUndefined();
      const revoked = client({
        secretHash: 'new',
        roles: { [ENV]: 'admin', [OTHER]: 'read' },
        revokedAt: '2024-06-01T00:00:00Z',
      });
      expect(await store.updateClient(revoked)).toBe(true);
      expect(await store.getClient('client-1')).toEqual(revoked);
      expect(await store.updateClient(client({ clientId: 'missing' }))).toBe(false);
      expect(await store.getClient('missing')).toBeUndefined();
      expect(await store.listClients()).toEqual([admin, revoked]);
    });

    // Durability

    test('committed data survives closing and reopening the database', async () => {
      await store.saveEnvironment(environment());
      await store.createClient(client());
      await write(ENV, [row({ quantity: 123456789012345678n })]);
      const [seq] = await append([entry()]);
      const held = reservation({ remaining: 123456789012345678n, expiresAt: '2024-05-02T00:00:00.000Z' });
      const [referenced] = await store.transaction(['k'], async (tx) => {
        await tx.writeReservations(ENV, [held]);
        await tx.writeScheduleRows(ENV, [scheduled({ quantity: -123456789012345678n })]);
        return tx.appendLedger([entry({ eventId: 'reserve-1', family: 'reserve', reference: 'r1' })]);
      });
      await store.close();
      await expect(store.readStock(ENV, ALL_ORGS)).rejects.toThrow();
      const again = await handle.reopen();
      await again.migrate();
      expect(await again.getEnvironment(ENV)).toEqual(environment());
      expect(await again.getClient('client-1')).toEqual(client());
      expect(await again.readStock(ENV, ALL_ORGS)).toEqual([row({ quantity: 123456789012345678n })]);
      expect(await again.getReservation(ENV, 'r1')).toEqual(held);
      expect(await again.exportSchedule(ENV, null, 10)).toEqual([
        scheduled({ quantity: -123456789012345678n }),
      ]);
      expect(await again.nextExpiry()).toBe('2024-05-02T00:00:00.000Z');
      const reserved = {
        ...entry({ eventId: 'reserve-1', family: 'reserve', reference: 'r1' }),
        seq: referenced,
      };
      expect(await again.readLedger(ENV, 0, 10)).toEqual([{ ...entry(), seq }, reserved]);
      expect(await again.readLedgerByReference(ENV, 'r1', 10)).toEqual([reserved]);
      const [next] = await again.transaction(['k'], (tx) => tx.appendLedger([entry({ eventId: 'e2' })]));
      expect(next).toBeGreaterThan(seq ?? 0);
    });
  });

  it(`every test skipped on ${name} exists and states a reason`, () => {
    const unknown = Object.keys(skip).filter((title) => !titles.has(title));
    expect(unknown).toEqual([]);
    for (const reason of Object.values(skip)) expect(reason.trim()).not.toBe('');
  });
}
