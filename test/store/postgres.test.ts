import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/postgres/schema.js';
import type { Store } from '../../src/store/store.js';
import { describeStoreConformance } from './conformance.js';
import { ALL_ORGS, ENV, entry, gate, keyOf, reservation, row, settle, sleep, UNIT } from './fixtures.js';
import { describeOnPostgres, openPostgres, withDatabase } from './postgres-handle.js';

const LOCK = 'env-a~org1~p1~org1%7Es1%7El1';

/** Read-modify-write of row()'s quantity (+1 unit) under `keys`, recording when it starts and ends. */
const increment = (store: Store, keys: string[], trace: string[], n: number) =>
  store.transaction(keys, async (tx) => {
    trace.push(`start ${n}`);
    const [current] = await tx.readRows(ENV, [keyOf(row())]);
    await sleep(5);
    await tx.writeRows(ENV, [row({ quantity: (current?.quantity ?? 0n) + UNIT })]);
    trace.push(`end ${n}`);
  });

function describePostgres(): void {
  describeStoreConformance('postgres', openPostgres);

  describe('PostgreSQL store', () => {
    it('two stores (two processes) serialise transactions on overlapping lock keys, in any order', () =>
      withDatabase(async (handle) => {
        const stores = [handle.store, await handle.connect()];
        const sets = [[LOCK], [LOCK, 'y'], ['y', LOCK], ['z', LOCK, 'y', LOCK]];
        const trace: string[] = [];
        await Promise.all(
          Array.from({ length: 20 }, (_, n) => increment(stores[n % 2]!, sets[n % sets.length]!, trace, n)),
        );
        expect(await stores[1]!.readStock(ENV, ALL_ORGS)).toEqual([row({ quantity: 20n * UNIT })]);
        for (let i = 0; i < trace.length; i += 2)
          expect(trace[i]?.replace('start', 'end')).toBe(trace[i + 1]);
      }));

    it('a batch that names a key twice ends as one write per item would: the last one wins', () =>
      withDatabase(async ({ store }) => {
        const last = row({ quantity: 7n });
        const kept = reservation({ remaining: 1n });
        await store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row(), row({ productId: 'p2' }), last]);
          await tx.writeReservations(ENV, [reservation(), kept]);
          expect(await tx.readRows(ENV, [keyOf(row()), keyOf(row())])).toEqual([last, last]);
        });
        expect(await store.readStock(ENV, ALL_ORGS)).toEqual([last, row({ productId: 'p2' })]);
        expect(await store.getReservation(ENV, 'r1')).toEqual(kept);
      }));

    it('transactions on different lock keys do not wait for each other, across stores', () =>
      withDatabase(async (handle) => {
        const other = await handle.connect();
        const [holding, release] = [gate(), gate()];
        const held = handle.store.transaction(['a'], async () => {
          holding.open();
          await release.opened;
        });
        await holding.opened;
        expect(await other.transaction(['b', 'c'], async () => 'not blocked')).toBe('not blocked');
        let entered = false;
        const blocked = other.transaction(['c', 'a'], async () => {
          entered = true;
        });
        await sleep(300);
        expect(entered).toBe(false);
        release.open();
        await Promise.all([held, blocked]);
        expect(entered).toBe(true);
      }));

    it('migrate run concurrently from several stores applies each migration once', () =>
      withDatabase(async (handle, db) => {
        const others = await Promise.all([handle.connect(), handle.connect()]);
        await Promise.all([handle.store, ...others, handle.store].map((s) => s.migrate()));
        const versions = await db.query('SELECT version FROM schema_migrations ORDER BY version');
        expect(versions.rows.map((r: { version: number }) => r.version)).toEqual(
          MIGRATIONS.map((m) => m.version),
        );
        await others[0]?.transaction(['k'], (tx) => tx.writeRows(ENV, [row()]));
        expect(await others[1]?.readStock(ENV, ALL_ORGS)).toEqual([row()]);
      }, false));

    it('a transaction that waits past the statement timeout for its lock key rejects; the store recovers', () =>
      withDatabase(async (handle) => {
        const impatient = await handle.connect({ statementTimeoutMs: 200, poolSize: 1 });
        const [holding, release] = [gate(), gate()];
        const held = handle.store.transaction(['k'], async () => {
          holding.open();
          await release.opened;
        });
        await holding.opened;
        const waited = await settle(impatient.transaction(['k'], async () => 'never'));
        release.open();
        await held;
        expect(waited).toMatchObject({ ok: false, error: { code: '57014' } });
        expect(await impatient.transaction(['k'], async () => 'later')).toBe('later');
      }));

    it('a transaction whose connection is killed rejects, and the dead connection is not reused', () =>
      withDatabase(async (handle, db) => {
        const name = `onhand-kill-${randomBytes(4).toString('hex')}`;
        const store = await handle.connect({ poolSize: 1, applicationName: name });
        const [holding, killed] = [gate(), gate()];
        const doomed = settle(
          store.transaction(['k'], async (tx) => {
            holding.open();
            await killed.opened;
            await tx.writeRows(ENV, [row()]);
          }),
        );
        await holding.opened;
        const kill = await db.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [name],
        );
        expect(kill.rowCount).toBe(1);
        await sleep(50);
        killed.open();
        expect((await doomed).ok).toBe(false);
        await store.transaction(['k'], (tx) => tx.writeRows(ENV, [row({ productId: 'p2' })]));
        expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row({ productId: 'p2' })]);
      }));

    it('a statement error swallowed inside the function still rejects the transaction', () =>
      withDatabase(async (handle) => {
        const { store } = handle;
        await store.transaction(['k'], (tx) => tx.appendLedger([entry()]));
        const outcome = await settle(
          store.transaction(['k'], async (tx) => {
            await tx.writeRows(ENV, [row()]);
            await tx.appendLedger([entry()]).catch(() => []);
            return 'swallowed';
          }),
        );
        expect(outcome.ok).toBe(false);
        expect(await store.hasStock(ENV)).toBe(false);
      }));

    it("quantities stay exact whatever pg's global int8 parser is", () =>
      withDatabase(async ({ store }) => {
        const parser = pg.types.getTypeParser(20);
        pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10));
        try {
          await store.transaction(['k'], (tx) => tx.writeRows(ENV, [row({ quantity: 123456789012345678n })]));
          expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row({ quantity: 123456789012345678n })]);
        } finally {
          pg.types.setTypeParser(20, parser);
        }
      }));
  });
}

describeOnPostgres(describePostgres);
