import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { exportOf, ivDelivery } from './availability-export-helpers.js';
import { ARIZONA, AV, batch, ENV, uploadGraph } from './oci-helpers.js';

/* A delta token whose position has left the feed's retention window (ONHAND_FEED_RETENTION_DAYS). */

describe.each(testBackends())('get-deltas with a token older than the feed retention on %s', (backend) => {
  let clock = new Date('2026-01-01T00:00:00Z');
  let x: Harness;
  beforeAll(async () => {
    x = await startHarness({
      backend,
      clock: () => clock,
      environments: [ENV],
      env: { ONHAND_FEED_RETENTION_DAYS: '1' },
    });
    await uploadGraph(x, ARIZONA);
  });
  afterAll(() => x.close());

  it('answers 410 ExpiredDeltaLink', async () => {
    await batch(x, [{ id: 'x-1', sku: 'sku-a', location: 'surprise', onHand: 1 }]);
    const lines = await exportOf(x, { groups: ['arizona'] });
    const token = lines.at(-1)?.deltaToken;
    await batch(x, [{ id: 'x-2', sku: 'sku-a', location: 'surprise', onHand: 2 }]);
    // Every entry so far has its position (and feed time) before the clock moves (PostgreSQL stamps
    // positions just after commit).
    await x.services.store.feed.settleAll(5000);
    clock = new Date('2026-01-03T00:00:00Z');
    // Entries after the token's position have left the window.
    await x.request('POST', `/api/environment/${ENV}/onhand`, ivDelivery('late', 'sku-a', 'surprise', 1), {
      token: await x.tokenWithRole([ENV], 'write'),
    });
    const response = await x.request(
      'POST',
      `${AV}/availability-records/actions/get-deltas`,
      { deltaToken: token },
      { token: await x.tokenWithRole([ENV], 'read') },
    );
    expect(response.statusCode).toBe(410);
    expect(response.json()).toMatchObject({ errorCode: 'ExpiredDeltaLink' });
  });
});
