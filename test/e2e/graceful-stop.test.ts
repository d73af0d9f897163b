import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockKeyOf } from '../../src/domain/partition.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { tshirtEvent } from '../support/harness.js';
import { OnhandHttp } from '../support/onhand-http.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * SIGTERM of a real server on PostgreSQL while its database connections are terminated from the
 * database side (`pg_terminate_backend`) and clients keep their connections alive (as fetch does): the
 * server stops accepting, finishes the requests in flight, closes the connections that those requests
 * leave open, closes its pool and exits, within a bound; and every write it acknowledged is in the
 * ledger. The soak found a server still running long after SIGTERM: a kept-alive connection whose
 * request ended after the stop began stayed open (Node closes only the connections idle when the stop
 * starts), so the stop waited for the client to drop it (about 70 s with fetch, docs/reliability.md).
 */
const onPostgres = testBackends().includes('postgres');
const suite = onPostgres ? describe : describe.skip;
const ENV = 'stop';
const SECRET = 'ops-secret-for-the-graceful-stop-test';
/** What the test allows a stop: well above the server's own bound (ONHAND_SHUTDOWN_TIMEOUT_MS below). */
const STOP_BOUND_MS = 15_000;

suite('SIGTERM on PostgreSQL with terminated connections', () => {
  let dataDir = '';
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let admin: pg.Client | undefined;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onhand-graceful-stop-'));
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const s of servers) await s.kill().catch(() => undefined);
    await admin?.end();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const terminate = async () => {
    const { rows } = await admin!.query(
      "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'onhand%') t",
    );
    return (rows[0] as { n: number }).n;
  };

  it('exits within its bound, having answered its requests in flight, and loses no acknowledged write', async () => {
    const server = await startServerProcess({
      ONHAND_DATABASE_URL: database!.url,
      ONHAND_DATA_DIR: dataDir,
      ONHAND_ADMIN_CLIENT_ID: 'ops',
      ONHAND_ADMIN_CLIENT_SECRET: SECRET,
      ONHAND_ENVIRONMENTS: ENV,
      ONHAND_SHUTDOWN_TIMEOUT_MS: '5000',
    });
    servers.push(server);
    const http = new OnhandHttp(server, ENV, await OnhandHttp.token(server, 'ops', SECRET));
    const acknowledged: string[] = [];
    let stopping = false;
    // Four writers, each on its own kept-alive connection, until the server refuses them.
    const writer = async (w: number) => {
      for (let i = 0; !stopping; i++) {
        const id = `stop-${w}-${i}`;
        try {
          const answer = await http.call('POST', '/onhand', tshirtEvent(id, { productId: `stop-${w}` }));
          if (answer.status === 200) acknowledged.push(id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    // A follower of the change feed over server-sent events, open across the stop.
    const follower = fetch(`${server.url}/api/environment/${ENV}/feed/stream?after=0`, {
      headers: { authorization: `Bearer ${http.bearer}` },
    }).then(async (response) => {
      let text = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        text += Buffer.from(chunk).toString();
      return text;
    });
    let terminated = 0;
    for (let round = 0; round < 4; round++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      terminated += await terminate();
    }
    expect(terminated).toBeGreaterThan(0);

    // A write held in flight across the SIGTERM: its lock key is taken here, so it waits in the database.
    const key = lockKeyOf(ENV, 'usmf', 'held', 'usmf~1~11');
    await admin!.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    const held = http.call('POST', '/onhand', tshirtEvent('stop-held', { productId: 'held' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const from = Date.now();
    const exited = server.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    terminated += await terminate();
    await admin!.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
    // The request in flight when the stop began is answered (the stop finishes requests in flight):
    // written, or 503 when the termination above cut its own connection.
    const answer = await held;
    expect([200, 503], JSON.stringify(answer.body)).toContain(answer.status);
    if (answer.status === 200) acknowledged.push('stop-held');
    const code = await exited;
    const took = Date.now() - from;
    // The follower's stream was ended by the stop (after the entries it had caught up on).
    expect(await follower).toContain('event: entry');
    stopping = true;
    await Promise.all(writers);
    expect(took, server.output().slice(-3000)).toBeLessThan(STOP_BOUND_MS);
    expect(code, server.output().slice(-3000)).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(10);

    // Every acknowledged write is in the ledger, read from the database itself.
    const { rows } = await admin!.query<{ event_id: string }>(
      "SELECT event_id FROM ledger WHERE environment_id = $1 AND event_id LIKE 'stop-%'",
      [ENV],
    );
    const stored = new Set(rows.map((r) => r.event_id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  });
});
