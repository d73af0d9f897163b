import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { ENV } from './oci-helpers.js';

const AVP = `/inventory/availability/v1/organizations/${ENV}`;
const GRAPH = `/inventory/impex/v1/organizations/${ENV}/location-graph`;
const onPostgres = testBackends().includes('postgres');

/**
 * Read-your-writes across servers (docs/oci.md, "Availability from memory"): a get-availability sent to
 * one server right after another server acknowledged a write reflects it, whether the write changed on
 * hand, safety stock, product segmentation or the location graph: each server answers from its own
 * memory, and the default consistency waits for every write acknowledged anywhere.
 */
(onPostgres ? describe : describe.skip)(
  'OCI get-availability from memory across two server processes',
  () => {
    const SECRET = 'ops-secret-for-the-oci-memory-test';
    let servers: ServerProcess[] = [];
    let dataDir = '';
    let drop: (() => Promise<void>) | undefined;
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await drop?.();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers on one server what the other acknowledged just before', async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'onhand-oci-memory-'));
      const database = await createTestDatabase();
      drop = database.drop;
      const env = {
        ONHAND_DATABASE_URL: database.url,
        ONHAND_DATA_DIR: dataDir,
        ONHAND_ADMIN_CLIENT_ID: 'ops',
        ONHAND_ADMIN_CLIENT_SECRET: SECRET,
        ONHAND_ENVIRONMENTS: ENV,
      };
      servers = [await startServerProcess(env), await startServerProcess(env)];
      const tokenAnswer = await fetch(`${servers[0]?.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'ops',
          client_secret: SECRET,
        }),
      });
      const bearer = ((await tokenAnswer.json()) as { access_token: string }).access_token;
      const send = async (i: number, method: string, path: string, body?: unknown) => {
        const server = servers[i % 2] as ServerProcess;
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return {
          status: response.status,
          position: response.headers.get('onhand-position'),
          body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
        };
      };
      const graphOf = (members: string[]) => ({
        locations: ['L1', 'L2', 'L3'],
        groups: [{ id: 'GA', locations: members }],
      });
      const first = await send(0, 'PUT', GRAPH, graphOf(['L1', 'L2']));
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const read = async (i: number) => {
        const answer = await send(i, 'POST', `${AVP}/availability-records/actions/get-availability`, {
          skus: ['p1'],
          locations: ['L1', 'L2', 'L3'],
          groups: ['GA'],
        });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(answer.position).toMatch(/^\d+$/);
        const body = answer.body as {
          locations: { id: string; records: Record<string, number>[] }[];
          groups: { records: Record<string, number>[] }[];
        };
        const at = (id: string) => body.locations.find((l) => l.id === id)?.records[0] ?? {};
        return { l1: at('L1'), l3: at('L3'), group: body.groups[0]?.records[0] ?? {} };
      };
      // Both servers read once first, so that their in-memory views are live when the checks run.
      for (let i = 0; i < 10; i++) await Promise.all([read(0), read(1)]);
      let members = ['L1', 'L2'];
      let l3 = 0;
      for (let step = 0; step < 24; step++) {
        const writer = step % 2;
        const reader = writer + 1;
        const kind = step % 4;
        if (kind === 0) {
          const r = await send(writer, 'POST', `${AVP}/availability-records/actions/batch-update`, {
            records: [{ id: `on-${step}`, sku: 'p1', location: 'L1', onHand: step + 10 }],
          });
          expect(r.status).toBe(204);
          expect((await read(reader)).l1.onHand, `step ${step}`).toBe(step + 10);
        } else if (kind === 1) {
          const r = await send(writer, 'POST', `${AVP}/availability-records/actions/batch-update`, {
            records: [{ id: `ss-${step}`, sku: 'p1', location: 'L1', safetyStockCount: step }],
          });
          expect(r.status).toBe(204);
          expect((await read(reader)).l1.safetyStockCount, `step ${step}`).toBe(step);
        } else if (kind === 2) {
          const mode = step % 8 === 2 ? 'APPEND' : 'DELETE';
          const r = await send(writer, 'POST', `${AVP}/product-segmentation/actions/batch-update`, {
            groups: [{ groupId: 'GA', mode, skus: ['p1'] }],
          });
          expect(r.status).toBe(204);
          const { group, l1, l3: atL3 } = await read(reader);
          // Not excluded: the group's atf is the sum of its members' (L2 holds nothing).
          const summed = (l1.atf ?? 0) + (members.includes('L3') ? (atL3.atf ?? 0) : 0);
          expect(group.atf, `step ${step}`).toBe(mode === 'APPEND' ? 0 : summed);
        } else {
          l3 += 5;
          const set = await send(writer, 'POST', `${AVP}/availability-records/actions/batch-update`, {
            records: [{ id: `l3-${step}`, sku: 'p1', location: 'L3', onHand: l3 }],
          });
          expect(set.status).toBe(204);
          members = members.includes('L3') ? ['L1', 'L2'] : ['L1', 'L2', 'L3'];
          expect((await send(writer, 'PUT', GRAPH, graphOf(members))).status).toBe(200);
          const { group, l1 } = await read(reader);
          expect(group.onHand, `step ${step}`).toBe((l1.onHand ?? 0) + (members.includes('L3') ? l3 : 0));
        }
      }
    }, 180_000);
  },
);
