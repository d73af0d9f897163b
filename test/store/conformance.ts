import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { describeCatalogueConformance } from './conformance-catalogue.js';
import { describeConfigurationGuardConformance } from './conformance-configuration-guards.js';
import { describeFeedConformance } from './conformance-feed.js';
import { describeOciImportConformance } from './conformance-oci-imports.js';
import { describeProductReservationConformance } from './conformance-product-reservations.js';
import { describeReservationScopeConformance } from './conformance-reservation-scopes.js';
import { describeReservationConformance } from './conformance-reservations.js';
import { describeScheduleConformance } from './conformance-schedule.js';
import { describeScheduleLifecycleConformance } from './conformance-schedule-lifecycle.js';
import { describeStockConformance } from './conformance-stock.js';
import { describeTransactionAndLedgerConformance } from './conformance-transactions.js';
import { describeTransferConformance } from './conformance-transfer.js';
import { describeWebhookConformance } from './conformance-webhooks.js';
import {
  ALL_ORGS,
  client,
  ENV,
  entry,
  environment,
  keyOf,
  OTHER,
  ordered,
  reservation,
  row,
  scheduled,
  storeCalls,
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

    const { write, append, readRows, findEvents } = storeCalls(() => store);

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

    // Stock rows (conformance-stock.ts)

    describeStockConformance(test, () => store);

    // Transactions and the ledger (conformance-transactions.ts)

    describeTransactionAndLedgerConformance(test, () => store);

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

    // Reservations and ledger references (conformance-reservations.ts, conformance-reservation-scopes.ts)

    describeReservationConformance(test, () => store);
    describeReservationScopeConformance(test, () => store);
    describeProductReservationConformance(test, () => store);

    // On-hand change schedules (conformance-schedule.ts, conformance-schedule-lifecycle.ts)

    describeScheduleConformance(test, () => store);
    describeScheduleLifecycleConformance(test, () => store);

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

    // OCI import uploads (conformance-oci-imports.ts)

    describeOciImportConformance(test, () => store);

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
