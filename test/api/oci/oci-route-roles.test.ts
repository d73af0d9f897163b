import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/domain/roles.js';
import { buildApp } from '../../../src/http/app.js';
import { Metrics } from '../../../src/http/metrics.js';
import { httpSettings } from '../../../src/settings.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { OCI_ROUTE_ROLES } from '../../support/route-table.js';

const LOWER: Record<Role, Role | undefined> = {
  availability: undefined,
  read: 'availability',
  write: 'read',
  admin: 'write',
};

/**
 * The OCI availability-import routes and the roles they need (test/support/route-table.ts); the other
 * OCI routes are checked with OCI_ROUTES by test/api/route-roles.test.ts.
 */
describe('the OCI route table', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ environments: ['test', 'other'] });
  });
  afterAll(() => h.close());

  const fill = (path: string, organization: string) =>
    path
      .replace(':organizationId', organization)
      .replace(':importId', 'no-such-import')
      .replace(':uploadLinkId', 'no-such-link');

  it('lists every import route with the role its access hook declares', async () => {
    const registered: { method: string; url: string; role: Role | undefined }[] = [];
    const app = await buildApp(
      { ...h.services, metrics: new Metrics(), settings: httpSettings(h.settings) },
      { logger: false, onRoute: (route) => registered.push(route) },
    );
    await app.ready();
    await app.close();
    const actual = registered
      .filter((r) => r.url.includes('/availability-records/imports') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url} ${r.role}`)
      .sort();
    expect(actual).toEqual(OCI_ROUTE_ROLES.map((r) => `${r.method} ${r.path} ${r.role}`).sort());
  });

  it.each(OCI_ROUTE_ROLES)('$method $path refuses a lower role and another tenant', async (route) => {
    const send = (token: string, organization = 'test') =>
      h.app.inject({
        method: route.method as 'GET',
        url: fill(route.path, organization),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: '{}' }),
      });
    const lower = LOWER[route.role];
    if (lower) {
      const refused = await send(await h.tokenWithRole(['test'], lower));
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ status: 403, error: 'Forbidden' });
    }
    const elsewhere = await send(await h.tokenWithRole(['other'], 'admin'));
    expect(elsewhere.statusCode).toBe(403);
    const allowed = await send(await h.tokenWithRole(['test'], route.role));
    expect(allowed.statusCode).not.toBe(403);
    expect(allowed.statusCode).not.toBe(401);
  });
});
