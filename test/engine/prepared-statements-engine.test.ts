import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnHandInput } from '../../src/domain/onhand-command.js';
import { Engine } from '../../src/engine/engine.js';
import type { PipelinedConnection } from '../../src/store/postgres/pipeline.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { preparedName } from '../../src/store/postgres/prepared-statements.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { reserveBody, stockBody } from '../support/reservation-helpers.js';

/*
 * The engine's wiring of prepared statements on PostgreSQL (engine.ts, group-commit.ts,
 * prepared-statements.ts): a reservation batch runs its statements named, with generic plans; an
 * on-hand batch on the same connection runs them unnamed with the default plans. A named statement gone
 * stale on the connection (a migration changed a column it returns, or it was deallocated) fails its
 * batch once; the group commit runs the batch again and the reservation succeeds. After DEALLOCATE ALL
 * the OCI graph check (a named statement of pg's own, postgres-oci.ts) meets the missing name first: it
 * runs again unnamed, and the pool replaces the connection.
 */

const ENV = 'test';

interface Named {
  readonly name: string;
  readonly statement: string;
  readonly generic_plans: string;
  readonly custom_plans: string;
}

describe.skipIf(!testBackends().includes('postgres'))(
  'prepared statements through the Engine on PostgreSQL',
  () => {
    let h: Harness;
    let store: PostgresStore;
    let engine: Engine;
    let url: string;

    beforeAll(async () => {
      h = await startHarness({ backend: 'postgres' });
      url = h.settings.databaseUrl ?? '';
      if (url === '') throw new Error('the postgres harness has no database URL');
      // One connection: every batch and every check below runs on it.
      store = await PostgresStore.connect({ connectionString: url, poolSize: 1 });
      await store.migrate();
      engine = new Engine({ store, clock: () => new Date(), limits: h.settings.limits });
    });
    afterAll(async () => {
      await engine?.drain();
      await store?.close();
      await h?.close();
    });

    /** Runs `text` in a plain store transaction, on the pool's one connection. */
    const onConnection = async <R extends pg.QueryResultRow>(text: string): Promise<R[]> =>
      store.transaction([], async (tx) => {
        const { rows } = await (tx as unknown as { client: PipelinedConnection }).client.query(text, []);
        return rows as R[];
      });
    // The OCI graph check before each IV reservation is a named statement of its own (postgres-oci.ts).
    const named = () =>
      onConnection<Named>(
        "SELECT * FROM pg_prepared_statements WHERE name <> 'onhand_oci_graph_exists' ORDER BY name",
      );

    const reserve = async (id: string) => {
      const input = reserveBody(id, 'prep', 1, { ifCheckAvailForReserv: false });
      const [outcome] = await engine.reservations.reserve(ENV, [{ input: input as never, path: '' }]);
      return outcome;
    };
    const changeOnHand = async (id: string) => {
      const input = stockBody(id, 'prep', { inbound: 5 }) as unknown as OnHandInput;
      const [outcome] = await engine.changeOnHand(ENV, [{ input, path: '' }]);
      return outcome;
    };

    it('a reservation batch names its statements with generic plans; an on-hand batch does not', async () => {
      expect(await named()).toEqual([]);
      for (let i = 0; i < 3; i++) expect((await reserve(`r-${i}`))?.status).toBe('success');
      const afterReservations = await named();
      expect(afterReservations.length).toBeGreaterThan(0);
      for (const s of afterReservations) {
        expect(s.name).toBe(preparedName(s.statement));
        expect(Number(s.generic_plans)).toBeGreaterThan(0);
        expect(s.custom_plans).toBe('0');
      }
      // The on-hand batch runs on the same connection: it names nothing and runs none of the named ones
      // (it shares some texts with the reservation batch: the lock, the upserts, the ledger append).
      expect((await changeOnHand('oh-1'))?.status).toBe('success');
      expect(await named()).toEqual(afterReservations);
      // A transaction that does not ask for prepared statements runs with the default plans.
      expect(await onConnection("SELECT current_setting('plan_cache_mode') AS mode")).toEqual([
        { mode: 'auto' },
      ]);
    });

    it('a reservation succeeds after a migration changed a column a named statement returns', async () => {
      expect((await reserve('before-alter'))?.status).toBe('success');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query('ALTER TABLE reservations ALTER COLUMN status TYPE varchar(40)');
      } finally {
        await admin.end();
      }
      expect((await reserve('after-alter'))?.status).toBe('success');
      expect((await named()).length).toBeGreaterThan(0);
    });

    it('a reservation succeeds after its named statements were deallocated on the connection', async () => {
      expect((await reserve('before-deallocate-some'))?.status).toBe('success');
      const names = (await named()).map((s) => s.name);
      expect(names.length).toBeGreaterThan(0);
      // The OCI graph check's name stays: the reservation batch is the first to meet a missing name.
      for (const name of names) await onConnection(`DEALLOCATE ${name}`);
      expect(await named()).toEqual([]);
      expect((await reserve('after-deallocate-some'))?.status).toBe('success');
      expect((await named()).map((s) => s.name)).toEqual(names);
    });

    it('a reservation succeeds after DEALLOCATE ALL on the connection', async () => {
      expect((await reserve('before-deallocate'))?.status).toBe('success');
      await onConnection('DEALLOCATE ALL');
      expect(await named()).toEqual([]);
      expect((await reserve('after-deallocate'))?.status).toBe('success');
      expect((await named()).length).toBeGreaterThan(0);
    });
  },
);
