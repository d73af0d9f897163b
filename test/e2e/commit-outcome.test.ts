import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { reserveBody } from '../support/reservation-helpers.js';

/**
 * A connection lost while COMMIT is in flight (PostgreSQL): the write may or may not have committed, so
 * the answer is 503 commit_outcome_unknown (never "nothing was written"), and a retry with the same
 * event id, or an extension to the same expiresAt, is applied exactly once.
 *
 * COMMIT is held open by a deferred constraint trigger on the ledger that sleeps while a flag row
 * exists (deferred triggers run inside COMMIT); the test then terminates that backend from another
 * connection, as a failing network or a database failover would.
 */
const onPostgres = testBackends().includes('postgres');

(onPostgres ? describe : describe.skip)('a connection lost during COMMIT', () => {
  let h: Harness;
  let admin: pg.Client;
  const ENV = '/api/environment/test';

  beforeAll(async () => {
    h = await startHarness({ backend: 'postgres' });
    admin = new pg.Client({ connectionString: h.settings.databaseUrl });
    await admin.connect();
    await admin.query(`
      CREATE TABLE slow_commit (on_ boolean);
      CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM slow_commit) THEN PERFORM pg_sleep(30); END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON ledger
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();`);
  });
  afterAll(async () => {
    await admin?.end();
    await h?.close();
  });

  /** Sends a request while COMMIT sleeps, terminates the backend that runs that COMMIT, and answers. */
  async function killedInCommit(send: () => ReturnType<Harness['request']>) {
    await admin.query('INSERT INTO slow_commit VALUES (true)');
    try {
      const pending = send();
      let killed = false;
      for (let i = 0; i < 200 && !killed; i++) {
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = current_database() AND query = 'COMMIT' AND state = 'active' AND wait_event = 'PgSleep'",
        );
        killed = rows.length > 0;
        if (!killed) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(killed).toBe(true);
      return await pending;
    } finally {
      await admin.query('DELETE FROM slow_commit');
    }
  }

  const inbound = async (productId: string): Promise<number> => {
    const res = await h.request('POST', `${ENV}/onhand/indexquery`, {
      filters: { organizationId: ['usmf'], productId: [productId] },
      groupByValues: [],
      returnNegative: true,
    });
    return (res.json() as { quantities: { pos: { inbound: number } } }[])[0]?.quantities.pos.inbound ?? 0;
  };

  it('answers 503 commit_outcome_unknown, and the retry with the same event id applies it once', async () => {
    const event = tshirtEvent('lost-commit-1', { productId: 'lost' });
    const res = await killedInCommit(() => h.request('POST', `${ENV}/onhand`, event));
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json()).toMatchObject({ code: 'commit_outcome_unknown' });
    expect(res.json().message).toMatch(/may or may not have been written/);
    for (let i = 0; i < 2; i++) {
      const retry = await h.request('POST', `${ENV}/onhand`, event);
      expect(retry.statusCode, retry.body).toBe(200);
    }
    expect(await inbound('lost')).toBe(1);
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM ledger WHERE event_id = 'lost-commit-1'",
    );
    expect(rows[0].n).toBe(1);
  });

  it('an extension lost in COMMIT is retried to the same expiresAt and recorded once', async () => {
    const stocked = await h.request('POST', `${ENV}/onhand`, {
      id: 'ext-stock',
      organizationId: 'usmf',
      productId: 'ext',
      dimensions: { siteId: '1', locationId: '11' },
      quantities: { pos: { inbound: 5 } },
    });
    expect(stocked.statusCode, stocked.body).toBe(200);
    const reserved = await h.request('POST', `${ENV}/onhand/reserve`, reserveBody('ext-1', 'ext', 2));
    expect(reserved.statusCode, reserved.body).toBe(200);
    const { reservationId } = reserved.json() as { reservationId: string };
    const path = `${ENV}/onhand/reservations/${reservationId}/extend`;
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const lost = await killedInCommit(() => h.request('POST', path, { expiresAt }));
    expect(lost.statusCode, lost.body).toBe(503);
    expect(lost.json().code).toBe('commit_outcome_unknown');
    for (let i = 0; i < 2; i++) {
      const retry = await h.request('POST', path, { expiresAt });
      expect(retry.statusCode, retry.body).toBe(200);
      expect(retry.json()).toMatchObject({ reservationId, expiresAt });
    }
    const view = await h.request('GET', `${ENV}/onhand/reservations/${reservationId}`);
    expect(view.json()).toMatchObject({ expiresAt });
    const kinds = (view.json() as { history: { kind: string }[] }).history.map((e) => e.kind);
    expect(kinds).toEqual(['reservation.reserve', 'reservation.extend']);
  });
});
