import { describe, expect, it } from 'vitest';
import { type LedgerJson, ledgerDeltaMicro, toMicro } from '../api/api-helpers.js';
import { allocationBody, reallocateBody } from './allocation-helpers.js';
import { ORG, reserveBody, stockBody } from './reservation-helpers.js';

/**
 * The allocation races of test/concurrency/allocation*.test.ts (design rule 1 for allocation), through
 * real HTTP: concurrent allocate, unallocate, reallocate and
 * consume requests never over-allocate. Each request is a separate fetch, so the requests meet in the
 * partition writer (one process) or in the database lock (two processes on one PostgreSQL) exactly as
 * concurrent clients' requests do.
 */

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export type Send = (i: number, path: string, body: unknown) => Promise<Answer>;

const CHANNELS = ['web', 'stores', 'marketplace', 'b2b'];

/** The pool of the default configuration, replayed from ledger sums (pos measures only are written). */
const poolOf = (sums: Map<string, bigint>) =>
  (sums.get('pos.inbound') ?? 0n) -
  (sums.get('pos.outbound') ?? 0n) -
  (sums.get('iv.softreserved') ?? 0n) -
  (sums.get('@iv.@allocated') ?? 0n);

/**
 * Walks the ledger of one product in order and checks that right after every accepted allocation the
 * pool was still ≥ 0, and that no group's allocated quantity ever went below zero. Returns the sums.
 */
function checkLedgerOrder(
  ledger: readonly LedgerJson[],
  productId: string,
  someAllocated = true,
): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  const groups = new Map<string, bigint>();
  let allocations = 0;
  for (const entry of ledger) {
    const changes = entry.changes.filter((c) => c.productId === productId);
    if (changes.length === 0) continue;
    for (const c of changes) {
      const key = `${c.dataSource}.${c.measure}`;
      sums.set(key, (sums.get(key) ?? 0n) + ledgerDeltaMicro(c.delta));
      if (c.dataSource === '@allocation' && c.measure === '@allocated') {
        const g = JSON.stringify(c.dimensions);
        const held = (groups.get(g) ?? 0n) + ledgerDeltaMicro(c.delta);
        groups.set(g, held);
        expect(held, `group ${g} after ledger entry ${entry.seq}`).toBeGreaterThanOrEqual(0n);
      }
    }
    if (entry.kind === 'allocation.allocate') {
      allocations++;
      expect(poolOf(sums), `pool after ledger entry ${entry.seq}`).toBeGreaterThanOrEqual(0n);
    }
  }
  if (someAllocated) expect(allocations).toBeGreaterThan(0);
  let total = 0n;
  for (const held of groups.values()) total += held;
  expect(total, 'the groups hold exactly @iv.@allocated').toBe(sums.get('@iv.@allocated') ?? 0n);
  return sums;
}

/** The races, run against any way of sending requests (one process or two). */
export function races(title: string, context: () => { send: Send; ledger: () => Promise<LedgerJson[]> }) {
  describe(title, () => {
    const send: Send = (i, path, body) => context().send(i, path, body);
    const groupsOf = (i: number) => ({ channel: CHANNELS[i % CHANNELS.length]! });

    it('when 80 allocations of 1 race for the last 10 units, exactly 10 succeed', async () => {
      const P = 'alloc-last-ten';
      expect((await send(0, '/onhand', stockBody('alt-stock', P, { inbound: 10 }))).status).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          send(i, '/allocation/allocate', allocationBody(`alt-${i}`, P, groupsOf(i), 1)),
        ),
      );
      const granted = answers.filter((a) => a.status === 200);
      expect(granted).toHaveLength(10);
      for (const a of answers.filter((x) => x.status !== 200)) {
        expect(a.status).toBe(409);
        expect(a.body).toMatchObject({
          processingStatus: 'failure',
          code: 'insufficient_available_to_allocate',
        });
      }
      const sums = checkLedgerOrder(await context().ledger(), P);
      expect(poolOf(sums)).toBe(0n);
      expect(sums.get('@iv.@allocated')).toBe(10_000_000n);
    });

    it('allocate, unallocate, reallocate, consume and stock changes racing on one product never over-allocate', async () => {
      const P = 'alloc-mixed';
      expect((await send(0, '/onhand', stockBody('am-stock', P, { inbound: 30 }))).status).toBe(200);
      for (const [i, channel] of CHANNELS.entries()) {
        const pre = await send(i, '/allocation/allocate', allocationBody(`am-pre-${i}`, P, { channel }, 5));
        expect(pre.status).toBe(200);
      }
      const requests: Promise<Answer>[] = [];
      for (let i = 0; i < 120; i++) {
        const from = groupsOf(i);
        const to = groupsOf(i + 1);
        const id = `am-${i}`;
        switch (i % 6) {
          case 0:
          case 1:
            requests.push(send(i, '/allocation/allocate', allocationBody(id, P, from, 1 + (i % 3))));
            break;
          case 2:
            requests.push(send(i, '/allocation/unallocate', allocationBody(id, P, from, 1)));
            break;
          case 3:
            requests.push(send(i, '/allocation/reallocate', reallocateBody(id, P, from, to, 2)));
            break;
          case 4:
            requests.push(
              send(
                i,
                '/allocation/consume',
                allocationBody(
                  id,
                  P,
                  from,
                  1,
                  i % 18 === 4
                    ? { physicalMeasures: { pos: { inbound: 'Subtraction' } } }
                    : i % 18 === 10
                      ? { physicalMeasures: { iv: { softreserved: 'Addition' } } }
                      : {},
                ),
              ),
            );
            break;
          default:
            requests.push(send(i, '/onhand', stockBody(id, P, { inbound: i % 4 === 1 ? 2 : 1 })));
        }
      }
      const answers = await Promise.all(requests);
      for (const a of answers) {
        if (a.status === 200) continue;
        expect(a.status, JSON.stringify(a.body)).toBe(409);
        expect(['insufficient_available_to_allocate', 'insufficient_allocation']).toContain(a.body.code);
      }
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(40);
      const sums = checkLedgerOrder(await context().ledger(), P);
      expect(poolOf(sums)).toBeGreaterThanOrEqual(0n);
      // Every group's remaining, as the query reports it, is what the ledger says it holds.
      const query = await send(0, '/allocation/query', {
        organizationId: ORG,
        productId: P,
        dimensions: { siteId: '1', locationId: '11' },
      });
      expect(query.status).toBe(200);
      const records = query.body as unknown as { remaining: number }[];
      let remaining = 0n;
      for (const r of records) {
        expect(r.remaining).toBeGreaterThanOrEqual(0);
        remaining += toMicro(r.remaining);
      }
      expect(remaining).toBe(sums.get('@iv.@allocated') ?? 0n);
    });

    it('reservations and allocations racing for 20 units never claim more than 20 together', async () => {
      const P = 'alloc-vs-reserve';
      expect((await send(0, '/onhand', stockBody('avr-stock', P, { inbound: 20 }))).status).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          i % 2 === 0
            ? send(i, '/allocation/allocate', allocationBody(`avr-a${i}`, P, groupsOf(i), 1))
            : send(i, '/onhand/reserve', reserveBody(`avr-r${i}`, P, 1)),
        ),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
      // Which side wins depends on the race; together they never take more than the stock.
      const sums = checkLedgerOrder(await context().ledger(), P, false);
      expect(poolOf(sums)).toBe(0n);
    });
  });
}
