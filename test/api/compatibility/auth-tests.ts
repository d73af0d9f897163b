import { describe, expect, it } from 'vitest';
import { tshirtEvent } from '../../support/harness.js';
import { ENV, expectError, snapshot } from '../api-helpers.js';
import { BULK, h, INDEX, ONHAND } from './compat-app.js';

/**
 * Authentication (spec §2.1, §2.2): part of compatibility.test.ts, registered there in its order.
 */
export function describeAuthentication(): void {
  describe('authentication (spec §2.1, §2.2)', () => {
    it('the bearer scheme is case-insensitive', async () => {
      for (const scheme of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
        const res = await h.request('GET', `${ENV}/configuration`, undefined, {
          token: null,
          headers: { authorization: `${scheme} ${h.adminToken}` },
        });
        expect(res.statusCode).toBe(200);
      }
    });

    it('GET /health/ping answers 200 without a token', async () => {
      const res = await h.request('GET', '/health/ping', undefined, { token: null });
      expect(res.statusCode).toBe(200);
    });

    it('no Authorization → 401 unauthorized; a garbage or non-bearer token → 401; nothing applied', async () => {
      const before = await snapshot(h);
      const write = tshirtEvent('auth-denied');
      const routes: [string, string, unknown][] = [
        ['POST', ONHAND, write],
        ['POST', BULK, [write]],
        ['POST', INDEX, { filters: { organizationId: ['usmf'], productId: ['T-shirt'] } }],
        ['GET', `${ENV}/configuration`, undefined],
        ['GET', `${ENV}/ledger`, undefined],
      ];
      for (const [method, url, body] of routes) {
        expectError(await h.request(method, url, body, { token: null }), {
          status: 401,
          code: 'unauthorized',
        });
        expectError(await h.request(method, url, body, { token: 'garbage' }), {
          status: 401,
          code: 'invalid_token',
        });
        expectError(await h.request(method, url, body, { token: `${h.adminToken}x` }), {
          status: 401,
          code: 'invalid_token',
        });
        const basic = await h.request(method, url, body, {
          token: null,
          headers: { authorization: 'Basic dXNlcjpwYXNz' },
        });
        expect(basic.statusCode).toBe(401);
      }
      expect(await snapshot(h)).toEqual(before);
    });

    it('a client limited to environment "other" gets 403 forbidden on "test"', async () => {
      const token = await h.tokenFor(['other']);
      const before = await snapshot(h);
      expectError(await h.request('POST', ONHAND, tshirtEvent('other-env'), { token }), {
        status: 403,
        code: 'forbidden',
      });
      expectError(
        await h.request('GET', `${ENV}/onhand?organizationId=usmf&productId=T-shirt`, undefined, { token }),
        {
          status: 403,
          code: 'forbidden',
        },
      );
      expectError(await h.request('GET', `${ENV}/configuration`, undefined, { token }), {
        status: 403,
        code: 'forbidden',
      });
      expectError(await h.request('GET', `${ENV}/ledger`, undefined, { token }), {
        status: 403,
        code: 'forbidden',
      });
      expect(await snapshot(h)).toEqual(before);
    });

    it('a non-admin client of the environment may read the configuration, write and query, but not administer', async () => {
      const token = await h.tokenFor(['test']);
      const config = await h.request('GET', `${ENV}/configuration`, undefined, { token });
      expect(config.statusCode).toBe(200);
      expect(config.json().inventorySystemConfigurations).toHaveProperty('pos');

      const write = await h.request(
        'POST',
        ONHAND,
        tshirtEvent('non-admin-write', { productId: 'compat-non-admin' }),
        { token },
      );
      expect(write.statusCode).toBe(200);
      const query = await h.request(
        'GET',
        `${ENV}/onhand?organizationId=usmf&productId=compat-non-admin`,
        undefined,
        { token },
      );
      expect(query.statusCode).toBe(200);
      expect(query.json()).toHaveLength(1);

      const before = await snapshot(h);
      const admin: [string, string, unknown][] = [
        ['POST', `${ENV}/configuration/hardupdate`, config.json()],
        ['GET', `${ENV}/allpartitionids`, undefined],
        ['DELETE', `${ENV}/partitions/cleanupalldata`, ['usmf~1~11']],
        ['DELETE', `${ENV}/cleanupalldata`, ['usmf~1~11']],
      ];
      for (const [method, url, body] of admin) {
        expectError(await h.request(method, url, body, { token }), { status: 403, code: 'forbidden' });
      }
      expect(await snapshot(h)).toEqual(before);
    });
  });
}
