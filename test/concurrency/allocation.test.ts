import { afterAll, beforeAll, describe } from 'vitest';
import { races, type Send } from '../support/allocation-races.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { expectStoreEqualsLedgerReplay } from '../support/reservation-helpers.js';

/* The allocation races (test/support/allocation-races.ts) against one server process on each backend. */

describe.each(testBackends())('one process on %s', (backend) => {
  let h: Harness;
  let base = '';
  beforeAll(async () => {
    h = await startHarness({ backend });
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => h?.close());

  const send: Send = async (_i, path, body) => {
    const res = await fetch(`${base}/api/environment/test${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  races('through real HTTP', () => ({
    send,
    ledger: async () => expectStoreEqualsLedgerReplay(h, 'test'),
  }));
});
