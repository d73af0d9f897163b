import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import type { OnHandInput } from '../../src/domain/onhand-command.js';
import { partitionIdOf } from '../../src/domain/partition.js';
import { Engine } from '../../src/engine/engine.js';
import type { ItemOutcome } from '../../src/engine/outcome.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { reserveBody, stockBody } from '../support/reservation-helpers.js';

/**
 * Configuration changes and the writes that depend on them serialise across processes: two engines on
 * one database (PostgreSQL: two pools; SQLite: two connections to one file), the second trusting its
 * cached configuration for a minute. Whatever the cache holds, no write commits under a configuration
 * that a hard update of the other process has replaced: it is prepared again under the new one.
 */

const ENV = 'test';

/** The default configuration without the reservation mapping of iv.softreserved. */
function withoutReservationMapping(): RuntimeConfiguration {
  const config = defaultConfiguration(ENV);
  const iv = config.inventorySystemConfigurations.iv;
  if (!iv) throw new Error('the default configuration has no iv data source');
  return {
    ...config,
    inventorySystemConfigurations: {
      ...config.inventorySystemConfigurations,
      iv: { ...iv, reservMappings: {} },
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testBackends())('a hard update racing writes of another process on %s', (backend) => {
  let h: Harness;
  let storeB: Store;
  let engineA: Engine;
  let engineB: Engine;

  beforeAll(async () => {
    h = await startHarness({ backend });
    const url = h.settings.databaseUrl;
    storeB =
      backend === 'postgres' && url !== undefined
        ? await PostgresStore.connect({ connectionString: url })
        : SqliteStore.open({ file: join(h.settings.dataDir, 'onhand.db') });
    await storeB.migrate();
    engineA = h.services.engine;
    engineB = new Engine({
      store: storeB,
      clock: () => new Date(),
      limits: h.settings.limits,
      configTtlMs: 60_000,
    });
  });
  afterAll(async () => {
    await engineB?.drain();
    await storeB?.close();
    await h?.close();
  });

  const reserve = async (engine: Engine, id: string): Promise<ItemOutcome> => {
    const input = reserveBody(id, 'race', 1, { ifCheckAvailForReserv: false });
    const [outcome] = await engine.reservations.reserve(ENV, [{ input: input as never, path: '' }]);
    if (!outcome) throw new Error('no outcome');
    return outcome;
  };

  it('no reservation commits on a mapping a hard update of the other process removed', async () => {
    // B reads (and caches) the configuration with the mapping.
    expect((await reserve(engineB, 'warm-up')).status).toBe('success');
    const warmUp = (await storeB.readLedger(ENV, 0, 100)).find((e) => e.eventId === 'warm-up');
    const [released] = await engineB.reservations.unreserve(ENV, [
      {
        input: {
          id: 'warm-up-release',
          organizationId: 'usmf',
          productId: 'race',
          reservationId: String(warmUp?.reference),
          OffsetQty: 1,
        } as never,
        path: '',
      },
    ]);
    expect(released?.status).toBe('success');

    let updated = false;
    const after: ItemOutcome[] = [];
    const writes = (async () => {
      for (let i = 0; i < 400 && after.length < 10; i++) {
        const late = updated;
        const outcome = await reserve(engineB, `race-${i}`);
        if (late) after.push(outcome);
        else if (outcome.status === 'success') {
          const [undone] = await engineB.reservations.unreserve(ENV, [
            {
              input: {
                id: `race-release-${i}`,
                organizationId: 'usmf',
                productId: 'race',
                reservationId: String(outcome.extra?.reservationId),
                OffsetQty: 1,
              } as never,
              path: '',
            },
          ]);
          expect(undone?.status).toBe('success');
        }
      }
    })();
    const update = (async () => {
      for (let tries = 0; tries < 400; tries++) {
        try {
          await engineA.environments.replace(ENV, withoutReservationMapping());
          updated = true;
          return;
        } catch (error) {
          // B's reservation of the moment is open: the update is refused, as it must be; try again.
          if ((error as { code?: string }).code !== 'reservations_in_use') throw error;
          await sleep(1);
        }
      }
    })();
    await Promise.all([writes, update]);
    expect(updated).toBe(true);
    expect(after).toHaveLength(10);
    for (const outcome of after)
      expect(outcome).toMatchObject({ status: 'failure', code: 'measure_not_reservable' });
    expect(await h.services.store.hasOpenReservations(ENV, 'iv', 'softreserved')).toBe(false);

    // In commit order, every reservation precedes the configuration change.
    await h.services.store.feed.settleAll(5000);
    const feed = await h.services.store.feed.read(ENV, 0, 10_000);
    const changed = feed.find((e) => e.kind === 'configuration.updated')?.position ?? 0;
    const reserved = feed.filter((e) => e.kind === 'reservation.reserve').map((e) => e.position);
    expect(changed).toBeGreaterThan(0);
    expect(reserved.every((p) => p < changed)).toBe(true);
  });

  it('no on-hand change commits under a partition rule a hard update of the other process replaced', async () => {
    const other = 'rule';
    await engineA.environments.create(other);
    const change = (engine: Engine, id: string) =>
      engine.changeOnHand(other, [
        { input: stockBody(id, 'moved', { inbound: 1 }) as unknown as OnHandInput, path: '' },
      ]);
    // B caches the by-location rule; the environment stays empty, so the rule may change.
    await engineB.environments.get(other);
    await engineA.environments.replace(other, {
      ...defaultConfiguration(other),
      cachePartitionIdVersion: 'ByProductId',
    });
    const [outcome] = await change(engineB, 'after-rule');
    expect(outcome?.status, JSON.stringify(outcome)).toBe('success');
    const rows = await h.services.store.readStock(other, { organizationIds: ['usmf'] });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect(row.partitionId).toBe(
        partitionIdOf('byProduct', row.organizationId, row.productId, row.dimensions),
      );
  });
});
