import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles.js';
import { buildApp } from '../../src/http/app.js';
import { Metrics } from '../../src/http/metrics.js';
import { httpSettings } from '../../src/settings.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  fillPath,
  GRANT_ROUTES,
  isConnectRoute,
  OCI_ROUTE_ROLES,
  OCI_ROUTES,
  ROUTE_ROLES,
} from '../support/route-table.js';

const ENV_A = 'env-a';
const ENV_B = 'env-b';
let h: Harness;
const tokens: Partial<
  Record<'a-availability' | 'a-read' | 'a-write' | 'a-admin' | 'b-admin' | 'ab-admin', string>
> = {};

beforeAll(async () => {
  h = await startHarness({ environments: [ENV_A, ENV_B] });
  tokens['a-availability'] = await h.tokenWithRole([ENV_A], 'availability');
  tokens['a-read'] = await h.tokenWithRole([ENV_A], 'read');
  tokens['a-write'] = await h.tokenWithRole([ENV_A], 'write');
  tokens['a-admin'] = await h.tokenWithRole([ENV_A], 'admin');
  tokens['b-admin'] = await h.tokenWithRole([ENV_B], 'admin');
  tokens['ab-admin'] = await h.tokenWithRole([ENV_A, ENV_B], 'admin');
});
afterAll(async () => {
  await h.close();
});

const RANK: Record<Role, number> = { availability: 0, read: 1, write: 2, admin: 3 };

async function send(route: { method: string; path: string }, token: string | null, env = ENV_A) {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const body = route.method === 'GET' ? undefined : '{}';
  if (body !== undefined) headers['content-type'] = 'application/json';
  // As a stream: the feed's event stream never ends, and only a refusal's body is read.
  const response = await h.app.inject({
    method: route.method as 'GET',
    url: fillPath(route.path, env),
    headers,
    payloadAsStream: true,
    ...(body === undefined ? {} : { payload: body }),
  });
  const stream = response.stream();
  if (response.statusCode < 400) {
    stream.destroy();
    return { status: response.statusCode, code: undefined };
  }
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return { status: response.statusCode, code: (JSON.parse(text) as { code?: string }).code };
}

describe('the role table', () => {
  it('lists every route under /api/environment/ with the role its access hook declares', async () => {
    const registered: {
      method: string;
      url: string;
      role: Role | undefined;
      extension: boolean;
      scope?: string | undefined;
    }[] = [];
    const app = await buildApp(
      { ...h.services, metrics: new Metrics(), settings: httpSettings(h.settings) },
      { logger: false, onRoute: (route) => registered.push(route) },
    );
    await app.ready();
    await app.close();
    const withEnvironment = (url: string) =>
      url.startsWith('/api/environment/') || url.startsWith('/Copilot/');
    const api = registered.filter((r) => withEnvironment(r.url) && r.method !== 'HEAD');
    const key = (method: string, path: string) => `${method} ${path.toLowerCase()}`;
    const actual = Object.fromEntries(
      api.map((r) => [key(r.method, r.url), `${r.role ?? 'NONE'}${r.extension ? ' extension' : ''}`]),
    );
    const expected = Object.fromEntries(
      ROUTE_ROLES.map((r) => [key(r.method, r.path), `${r.role}${r.extension ? ' extension' : ''}`]),
    );
    expect(actual).toEqual(expected);
    // Outside /api/environment/, only the identity and admin routes need a token (GRANT_ROUTES); the
    // others are public on purpose: token endpoints, keys, health, docs, the dashboard's files.
    const oci = (url: string) => url.startsWith('/inventory/') || isConnectRoute(url);
    // The availability imports answer refusals in the gateway's shape: test/api/oci/oci-route-roles.test.ts.
    const imports = new Set(OCI_ROUTE_ROLES.map((r) => key(r.method, r.path)));
    expect(
      Object.fromEntries(
        registered
          .filter((r) => oci(r.url) && r.method !== 'HEAD' && !imports.has(key(r.method, r.url)))
          .map((r) => [key(r.method, r.url), `${r.role ?? 'NONE'}${r.extension ? ' extension' : ''}`]),
      ),
    ).toEqual(
      Object.fromEntries(
        OCI_ROUTES.map((r) => [key(r.method, r.path), `${r.role}${r.extension ? ' extension' : ''}`]),
      ),
    );
    const others = registered.filter(
      (r) => !withEnvironment(r.url) && !oci(r.url) && r.role !== undefined && r.method !== 'HEAD',
    );
    const granted = Object.fromEntries(others.map((r) => [key(r.method, r.url), `${r.role} ${r.scope}`]));
    expect(granted).toEqual(
      Object.fromEntries(GRANT_ROUTES.map((r) => [key(r.method, r.path), `${r.role} ${r.scope}`])),
    );
  });

  it('docs/api.md lists the same roles, and marks the same routes **Extension**', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/api.md'), 'utf8');
    const rows = [
      ...doc.matchAll(
        /^\| `(GET|POST|PUT|PATCH|DELETE) (\/(?:api\/environment|Copilot\/nl\/iv)\/[^`]+)` \| (availability|read|write|admin) \| (\*\*Extension\*\*)?/gm,
      ),
    ];
    const documented = Object.fromEntries(
      rows.map((m) => [
        `${m[1]} ${m[2]?.replace(/\{(\w+)\}/g, ':$1')}`,
        `${m[3]}${m[4] ? ' extension' : ''}`,
      ]),
    );
    const expected = Object.fromEntries(
      ROUTE_ROLES.map((r) => [`${r.method} ${r.path}`, `${r.role}${r.extension ? ' extension' : ''}`]),
    );
    expect(documented).toEqual(expected);
    const grantRows = [...doc.matchAll(/^\| `(GET|POST) (\/api\/(?:me|admin\/[^`]+))` \| `([a-z-]+)` \|/gm)];
    expect(
      Object.fromEntries(grantRows.map((m) => [`${m[1]} ${m[2]?.replace(/\{(\w+)\}/g, ':$1')}`, m[3]])),
    ).toEqual(Object.fromEntries(GRANT_ROUTES.map((r) => [`${r.method} ${r.path}`, r.scope])));
  });
});

describe.each(ROUTE_ROLES)('$method $path ($role)', (route) => {
  it('refuses a request without a token with 401', async () => {
    expect(await send(route, null)).toEqual({ status: 401, code: 'unauthorized' });
  });

  it('refuses a token of another environment with 403, even an admin one', async () => {
    expect(await send(route, tokens['b-admin'] ?? '')).toEqual({ status: 403, code: 'forbidden' });
  });

  it.each(['availability', 'read', 'write', 'admin'] as const)(
    'a %s token: allowed only with the role',
    async (role) => {
      const result = await send(route, tokens[`a-${role}`] ?? '');
      if (RANK[role] >= RANK[route.role]) {
        expect([401, 403]).not.toContain(result.status);
      } else {
        expect(result).toEqual({ status: 403, code: 'forbidden' });
      }
    },
  );
});

describe.each(OCI_ROUTES)('OCI: $method $path ($role)', (route) => {
  const problem = async (token: string | null) => {
    const result = await h.app.inject({
      method: route.method as 'GET',
      url: fillPath(route.path, ENV_A),
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(route.method === 'GET' || route.method === 'DELETE'
          ? {}
          : { 'content-type': 'application/json' }),
      },
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: '{}' }),
    });
    return {
      status: result.statusCode,
      type: result.headers['content-type'],
      body: (result.body === '' ? {} : result.json()) as Record<string, unknown>,
      auth: result.headers['www-authenticate'],
    };
  };

  const connect = isConnectRoute(route.path);

  it('refuses a request without a token with 401 in the gateway shape and WWW-Authenticate', async () => {
    const result = await problem(null);
    expect(result.status).toBe(401);
    expect(result.auth).toMatch(/^Bearer /);
    if (connect) {
      // The Connect REST flavour answers as the Salesforce platform: [{ errorCode, message }].
      expect(result.body).toEqual([
        { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
      ]);
      return;
    }
    expect(result.type).toMatch(/^application\/problem\+json/);
    expect(Object.keys(result.body).sort()).toEqual(['detail', 'title', 'type']);
  });

  // The Impex API's gateway refuses in its own shape (spec §1.3), the others with problem+json, and
  // the Connect REST flavour as the platform.
  const refusal = connect
    ? [{ errorCode: 'INSUFFICIENT_ACCESS' }]
    : route.path.startsWith('/inventory/impex/')
      ? { type: 'about:blank', status: 403, error: 'Forbidden' }
      : { type: 'about:blank', detail: 'forbidden' };

  it('refuses a token of another environment with 403, even an admin one (Connect: of several)', async () => {
    // A Connect path names no environment: the token's only one is used, one of several is refused.
    const result = await problem(tokens[connect ? 'ab-admin' : 'b-admin'] ?? '');
    expect(result.status).toBe(403);
    expect(result.body).toMatchObject(refusal);
  });

  it.each(['availability', 'read', 'write', 'admin'] as const)(
    'a %s token: allowed only with the role',
    async (role) => {
      const result = await problem(tokens[`a-${role}`] ?? '');
      if (RANK[role] >= RANK[route.role]) expect([401, 403]).not.toContain(result.status);
      else expect(result).toMatchObject({ status: 403, body: refusal });
    },
  );
});

describe('tokens that are not valid get 401 on every route', () => {
  let privateJwk: JWK;
  const forge = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
    const key = await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: { '*': 'admin' }, ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid as string, ...header })
      .setSubject('test-admin')
      .setIssuer((claims.iss as string | undefined) ?? 'onhand')
      .setAudience((claims.aud as string | undefined) ?? 'onhand-api')
      .setIssuedAt((claims.iat as number | undefined) ?? now)
      .setExpirationTime((claims.exp as number | undefined) ?? now + 600)
      .sign(key);
  };
  const bad: Record<string, string> = {};

  beforeAll(async () => {
    privateJwk = JSON.parse(
      readFileSync(join(h.settings.dataDir, 'keys', 'signing-key.json'), 'utf8'),
    ) as JWK;
    const now = Math.floor(Date.now() / 1000);
    bad.expired = await forge({ iat: now - 7200, exp: now - 3600 });
    bad.wrongAudience = await forge({ aud: 'someone-else' });
    bad.wrongIssuer = await forge({ iss: 'https://evil.example' });
    bad.unknownKid = await forge({}, { kid: 'not-a-key-of-this-service' });
    const [header, payload, signature] = h.adminToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    bad.tampered = `${header}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`;
    bad.algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims })}.`;
    bad.garbage = 'not.a.token';
    // A client assertion of step 1 is not an API token.
    const { clientId, secret } = await h.services.auth.createClient({ environments: [ENV_A], role: 'admin' });
    bad.assertion = (
      await h.services.auth.entraToken(
        { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
        't',
      )
    ).access_token;
  });

  it.each([
    'expired',
    'wrongAudience',
    'wrongIssuer',
    'unknownKid',
    'tampered',
    'algNone',
    'garbage',
    'assertion',
  ])('%s', async (kind) => {
    for (const route of ROUTE_ROLES) {
      const result = await send(route, bad[kind] ?? '');
      expect(result, `${route.method} ${route.path}`).toEqual({ status: 401, code: 'invalid_token' });
    }
  });

  it('a forged token with the right key and claims is accepted (the forging helper is sound)', async () => {
    const result = await send(ROUTE_ROLES[0] ?? { method: 'GET', path: '' }, await forge({}));
    expect(result.status).toBe(200);
  });
});
