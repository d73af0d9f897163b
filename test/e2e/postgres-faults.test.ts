import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockKeyOf } from '../../src/domain/partition.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

/**
 * Database faults on PostgreSQL: connections terminated from the database side in the middle of
 * requests, and statement timeouts. Requests fail cleanly (503 with a stable code), nothing is
 * half-written, and the service recovers on its own.
 */
const onPostgres = testBackends().includes('postgres');

(onPostgres ? describe : describe.skip)('PostgreSQL faults', () => {
  let h: Harness;
  let admin: pg.Client;
  const ENV = '/api/environment/test';

  beforeAll(async () => {
    h = await startHarness({ backend: 'postgres', env: { ONHAND_DATABASE_STATEMENT_TIMEOUT_MS: '500' } });
    admin = new pg.Client({ connectionString: h.settings.databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await h?.close();
  });

  const inbound = async (productId: string): Promise<number> => {
    const res = await h.request('POST', `${ENV}/onhand/indexquery`, {
      filters: { organizationId: ['usmf'], productId: [productId] },
      groupByValues: [],
      returnNegative: true,
    });
    return (res.json() as { quantities: { pos: { inbound: number } } }[])[0]?.quantities.pos.inbound ?? 0;
  };

  it('answers requests whose connection is killed with 503 and writes none of them half', async () => {
    const events = Array.from({ length: 40 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) => tshirtEvent(`kill-${b}-${i}`, { productId: `kill-${i % 5}` })),
    );
    const kill = async () => {
      for (let round = 0; round < 5; round++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'onhand'",
        );
      }
    };
    const [responses] = await Promise.all([
      Promise.all(events.map((bulk) => h.request('POST', `${ENV}/onhand/bulk`, bulk))),
      kill(),
    ]);
    for (const res of responses) {
      expect([200, 503], res.body).toContain(res.statusCode);
      // Killed before its COMMIT: nothing was written; during it: the outcome is unknown.
      if (res.statusCode === 503)
        expect(['service_unavailable', 'commit_outcome_unknown']).toContain(res.json().code);
    }
    // The service recovers; resending everything applies each event exactly once in total.
    for (const bulk of events) {
      const res = await h.request('POST', `${ENV}/onhand/bulk`, bulk);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().failure).toEqual([]);
    }
    const totals = await Promise.all([0, 1, 2, 3, 4].map((i) => inbound(`kill-${i}`)));
    expect(totals).toEqual([400, 400, 400, 400, 400]);
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM ledger WHERE event_id LIKE 'kill-%'");
    expect(rows[0].n).toBe(2000);
  });

  it('answers a write that waits past the statement timeout with 503 database_timeout and applies nothing', async () => {
    const event = tshirtEvent('slow-1', { productId: 'slow' });
    const key = lockKeyOf('test', 'usmf', 'slow', 'usmf~1~11');
    await admin.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    try {
      const res = await h.request('POST', `${ENV}/onhand`, event);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().code).toBe('database_timeout');
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
    }
    expect(await inbound('slow')).toBe(0);
    expect((await h.request('POST', `${ENV}/onhand`, event)).statusCode).toBe(200);
    expect(await inbound('slow')).toBe(1);
  });
});
