import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import { allocationBody } from '../support/allocation-helpers.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  AT,
  afrAt,
  measureAt,
  reserveBody,
  reservedAt,
  stockBody,
  units,
} from '../support/reservation-helpers.js';

/**
 * Issue 20: configurations that would make the availability checks meaningless, or strand what they
 * protect, are refused; and a configuration saved before those rules still gets correct checks. Like
 * every API test, this runs on SQLite and, when ONHAND_TEST_POSTGRES_URL is set, on PostgreSQL.
 */
describe('configuration guards', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ environments: [] });
  });
  afterAll(() => h?.close());

  const url = (env: string, path: string) => `/api/environment/${env}${path}`;
  const post = (env: string, path: string, body: unknown) => h.request('POST', url(env, path), body);

  async function created(env: string): Promise<void> {
    expect((await h.request('PUT', url(env, ''))).statusCode).toBe(201);
  }

  async function configuration(env: string): Promise<RuntimeConfiguration> {
    const res = await h.request('GET', url(env, '/configuration'));
    expect(res.statusCode).toBe(200);
    return res.json() as RuntimeConfiguration;
  }

  /** The current configuration changed by `edit`, as a hard update body. */
  async function edited(env: string, edit: (c: RuntimeConfiguration) => void): Promise<unknown> {
    const config = await configuration(env);
    edit(config);
    const { configurationVersion: _version, ...body } = config;
    return body;
  }

  async function ok(env: string, path: string, body: unknown): Promise<void> {
    const res = await post(env, path, body);
    expect(res.statusCode, res.body).toBe(200);
  }

  /** Partition keys with colour, the reproduction (colour then leaves the index sets). */
  const colourInPartition = (c: RuntimeConfiguration) => {
    c.indexConfiguration.partitionKeyAttributes.keys = ['siteid', 'locationid', 'colorid'];
    c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['sizeid'] }];
    c.scheduleConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['sizeid'] }];
  };
  const RED = { ...AT, colorId: 'red' };

  describe('never oversell: a partition key besides site and location', () => {
    it('is refused by a hard update, which changes nothing', async () => {
      await created('parted');
      const before = await configuration('parted');
      const res = await post(
        'parted',
        '/configuration/hardupdate',
        await edited('parted', colourInPartition),
      );
      expect(res.statusCode).toBe(400);
      const body = res.json() as { code: string; details: { code: string; path: string }[] };
      expect(body.code).toBe('invalid_configuration');
      expect(body.details.map(({ code, path }) => ({ code, path }))).toEqual([
        { code: 'unsupported_partition_key', path: '/indexConfiguration/partitionKeyAttributes/keys/2' },
      ]);
      expect(await configuration('parted')).toEqual(before);
    });

    describe('in a configuration saved before the rule (written to the store as an older version did)', () => {
      beforeAll(async () => {
        const runtime = defaultConfiguration('legacy');
        colourInPartition(runtime);
        const now = new Date().toISOString();
        const saved = await h.services.store.saveEnvironment({
          environmentId: 'legacy',
          configuration: runtime,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        expect(saved).toBe(true);
      });

      it('still checks the level without colour: a second reservation of the same 10 units is refused', async () => {
        await ok('legacy', '/onhand', stockBody('stock-r', 'shirt', { inbound: 10 }, RED));
        await ok(
          'legacy',
          '/onhand/reserve',
          reserveBody('r-1', 'shirt', 10, { ifCheckAvailForReserv: true }),
        );
        const second = await post(
          'legacy',
          '/onhand/reserve',
          reserveBody('r-2', 'shirt', 10, { dimensions: RED, ifCheckAvailForReserv: true }),
        );
        expect(second.statusCode, second.body).toBe(409);
        // The vendor answers a refused reservation with statusCode 500 in the body (spec §2.8).
        expect(second.json()).toMatchObject({
          processingStatus: 'failure',
          code: 'insufficient_availability',
        });
        expect(await reservedAt(h, 'legacy', 'shirt')).toBe(units(10));
        expect(await afrAt(h, 'legacy', 'shirt')).toBe(0n);
      });

      it('still checks the level without colour: a second allocation of the same 10 units is refused', async () => {
        await ok('legacy', '/onhand', stockBody('stock-a', 'cap', { inbound: 10 }, RED));
        await ok('legacy', '/allocation/allocate', allocationBody('a-1', 'cap', { channel: 'web' }, 10));
        const second = await post(
          'legacy',
          '/allocation/allocate',
          allocationBody('a-2', 'cap', { channel: 'web' }, 10, { dimensions: RED }),
        );
        expect(second.statusCode, second.body).toBe(409);
        expect(second.json()).toMatchObject({
          processingStatus: 'failure',
          code: 'insufficient_available_to_allocate',
        });
        expect(await measureAt(h, 'legacy', 'cap', AT, '@iv', '@allocated')).toBe(units(10));
        expect(await measureAt(h, 'legacy', 'cap', AT, '@iv', '@available_to_allocate')).toBe(0n);
      });

      it('must meet the rule at its next hard update', async () => {
        const res = await post('legacy', '/configuration/hardupdate', await edited('legacy', () => {}));
        expect(res.statusCode).toBe(400);
        expect(res.json().details[0].code).toBe('unsupported_partition_key');
        const fixed = await edited('legacy', (c) => {
          c.indexConfiguration.partitionKeyAttributes.keys = ['siteid', 'locationid'];
        });
        const accepted = await post('legacy', '/configuration/hardupdate', fixed);
        expect(accepted.statusCode, accepted.body).toBe(200);
      });
    });
  });

  it('refuses an available-for-reservation measure that does not subtract the reserved measure', async () => {
    await created('unsubtracted');
    const before = await configuration('unsubtracted');
    const body = await edited('unsubtracted', (c) => {
      const afr = c.inventorySystemConfigurations.iv!.calculatedMeasures.availabletoreserve!;
      afr.subtractionModifiers = afr.subtractionModifiers.filter((m) => m !== 'iv.softreserved');
    });
    const res = await post('unsubtracted', '/configuration/hardupdate', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      {
        code: 'reserved_measure_not_subtracted',
        path: '/inventorySystemConfigurations/iv/reservMappings/softreserved',
        message: expect.stringContaining('iv.availabletoreserve must subtract iv.softreserved'),
      },
    ]);
    expect(await configuration('unsubtracted')).toEqual(before);
  });

  describe('nothing stranded: removing an allocation group level', () => {
    const channelOnly = (c: RuntimeConfiguration) => {
      c.allocationConfiguration.groups = ['channel'];
      c.allocationConfiguration.groupsOrder = { channel: 'g0' };
    };
    const WEB_VIP = { channel: 'web', customerGroup: 'vip' };

    it('is refused while an open allocation uses the level, and allowed once it is released', async () => {
      await created('grouped');
      await ok('grouped', '/onhand', stockBody('stock-g', 'mug', { inbound: 10 }));
      await ok('grouped', '/onhand', stockBody('stock-h', 'cup', { inbound: 10 }));
      await ok('grouped', '/allocation/allocate', allocationBody('g-1', 'mug', WEB_VIP, 4));
      await ok('grouped', '/allocation/allocate', allocationBody('g-2', 'cup', { channel: 'web' }, 3));
      const before = await configuration('grouped');

      const refused = await post(
        'grouped',
        '/configuration/hardupdate',
        await edited('grouped', channelOnly),
      );
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        code: 'allocations_in_use',
        message: expect.stringContaining('g1 ("customerGroup")'),
      });
      expect(await configuration('grouped')).toEqual(before);

      // The 4 units are still reachable by their groups: release them, then the level may go.
      await ok('grouped', '/allocation/unallocate', allocationBody('g-3', 'mug', WEB_VIP, 4));
      const accepted = await post(
        'grouped',
        '/configuration/hardupdate',
        await edited('grouped', channelOnly),
      );
      expect(accepted.statusCode, accepted.body).toBe(200);

      // An allocation at the kept level stays reachable.
      await ok('grouped', '/allocation/unallocate', allocationBody('g-4', 'cup', { channel: 'web' }, 3));
      expect(await measureAt(h, 'grouped', 'cup', AT, '@iv', '@allocated')).toBe(0n);
    });

    it('is allowed while allocations are open when only the names change', async () => {
      await created('renamed');
      await ok('renamed', '/onhand', stockBody('stock-n', 'mug', { inbound: 10 }));
      await ok('renamed', '/allocation/allocate', allocationBody('n-1', 'mug', WEB_VIP, 4));
      const body = await edited('renamed', (c) => {
        c.allocationConfiguration.groups = ['channel', 'segment', 'region', 'orderType'];
        c.allocationConfiguration.groupsOrder = {
          channel: 'g0',
          segment: 'g1',
          region: 'g2',
          orderType: 'g3',
        };
      });
      const res = await post('renamed', '/configuration/hardupdate', body);
      expect(res.statusCode, res.body).toBe(200);
      await ok(
        'renamed',
        '/allocation/unallocate',
        allocationBody('n-2', 'mug', { channel: 'web', segment: 'vip' }, 4),
      );
    });
  });
});
