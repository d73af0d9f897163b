import { afterAll, beforeAll } from 'vitest';
import { type Harness, startHarness } from '../../support/harness.js';
import { enableAtp, freshToken, ledgerOf } from '../schedule-helpers.js';

/*
 * The app of test/api/schedules.test.ts and the helpers its tests share (the files beside this one hold
 * its tests by concept): one harness for the whole file on a fake clock, with ATP enabled in the
 * environments the tests use. `h` and `token` are live bindings (`setNow` re-issues the token).
 */

let now = new Date('2023-09-08T09:00:00Z');
export let h: Harness;
export let token: string;

const ENVIRONMENTS = [
  'fixture',
  'fixturebulk',
  'fixtureget',
  'fixtureindex',
  'rules',
  'lapse',
  'commit',
  'off',
];

/** Starts the app before the file's tests and closes it after them (call once, at the file's top). */
export function useSchedulesApp(): void {
  beforeAll(async () => {
    h = await startHarness({ clock: () => now, environments: ENVIRONMENTS });
    token = h.adminToken;
    for (const env of ENVIRONMENTS.filter((e) => e.startsWith('fixture')))
      await enableAtp(h, env, token, {}, true);
    for (const env of ['rules', 'lapse']) await enableAtp(h, env, token);
    await enableAtp(h, 'commit', token, { commitScheduledChanges: true });
  });
  afterAll(() => h?.close());
}

export async function setNow(iso: string): Promise<void> {
  now = new Date(iso);
  token = await freshToken(h);
}
export const readLedger = (env: string) => ledgerOf(h, env, token);
export const rollOver = () => h.services.engine.schedules.rollOver();
export const call = (method: string, env: string, path: string, body?: unknown) =>
  h.request(method, `/api/environment/${env}${path}`, body, { token });
export const schedule = (env: string, body: unknown) => call('POST', env, '/onhand/changeschedule', body);
export const query = (env: string, body: unknown) => call('POST', env, '/onhand/indexquery', body);
export const atpQuery = (extra: Record<string, unknown> = {}) => ({
  filters: { organizationId: ['usmf'], productId: ['Bike'], siteId: ['1'], locationId: ['11'] },
  groupByValues: ['ColorId', 'SizeId'],
  returnNegative: true,
  QueryATP: true,
  ...extra,
});
