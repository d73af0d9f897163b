import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, InvariantViolation } from '../../bench/invariants.js';
import { bulkTemplates, changeEvent, reserveEvent } from '../../bench/workloads/events.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';

/** The benchmark's invariant checker, against a real store of each backend (no timing here). */
describe.each(testBackends())('the benchmark invariant check on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h?.close());

  const post = async (path: string, body: string) => {
    const res = await h.request('POST', `/api/environment/test/onhand${path}`, JSON.parse(body));
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as { failure?: unknown[] };
  };

  it('passes after the workloads bodies were applied, and counts what it read', async () => {
    const [bulk] = bulkTemplates(1, 20, 7);
    const answer = await post('/bulk', (bulk as string).replaceAll('[<id>]', 'b1'));
    expect(answer.failure ?? []).toEqual([]);
    await post('', changeEvent('stock-hot', 'HOT', { siteId: '1', locationId: '11' }, 3));
    for (const id of ['r1', 'r2', 'r3']) await post('/reserve', reserveEvent(id, 'HOT'));
    const report = await checkInvariants(h.services.store, 'test', 24);
    expect(report).toEqual({ ledgerEntries: 24, storedValues: 22, reservations: 3, reservedProducts: 1 });
  });

  it('fails loudly when more events were acknowledged than the ledger holds', async () => {
    await expect(checkInvariants(h.services.store, 'test', 25)).rejects.toThrow(InvariantViolation);
  });

  it('fails loudly when a stored value differs from the ledger replay', async () => {
    const [row] = await h.services.store.readStock('test', { organizationIds: ['usmf'], productIds: ['P3'] });
    expect(row).toBeDefined();
    await h.services.store.transaction([], (tx) =>
      tx.writeRows('test', [{ ...(row as NonNullable<typeof row>), quantity: 123n }]),
    );
    await expect(checkInvariants(h.services.store, 'test')).rejects.toThrow(/ledger replays to/);
  });
});
