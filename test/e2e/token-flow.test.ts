import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * The two-step flow of spec §2.2 against a real server process, as an existing Inventory Visibility
 * client runs it with only its host names changed; and a trusted external OpenID provider, played by a
 * tiny JWKS server in this test.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'onhand-flow-'));
const ADMIN_SECRET = 'ops-secret-for-the-token-flow-test';
const ISSUER_PATH = '/realms/erp';
let server: ServerProcess;
let jwksServer: Server;
let jwksHits = 0;
let issuer = '';
let providerKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let otherProviderKey: typeof providerKey;

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli/onhand.ts', ...args],
    { cwd: join(import.meta.dirname, '../..'), env: { ...process.env, ONHAND_DATA_DIR: dataDir } },
  );
  return stdout;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  providerKey = pair.privateKey;
  otherProviderKey = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'provider-1', alg: 'RS256', use: 'sig' };
  jwksServer = createServer((request, response) => {
    if (request.url === `${ISSUER_PATH}/certs`) {
      jwksHits++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const address = jwksServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  issuer = `http://127.0.0.1:${port}${ISSUER_PATH}`;
  // Clients are made with the CLI before the server starts, as an operator would.
  await cli('migrate');
  await cli(
    'clients',
    'create',
    '--id',
    'erp-prod',
    '--secret',
    'erp-prod-secret-0123456789',
    '--env',
    'prod',
  );
  await cli('clients', 'create', '--id', 'external-reader', '--external', '--env', 'prod', '--role', 'read');
  server = await startServerProcess({
    ONHAND_DATA_DIR: dataDir,
    ONHAND_ADMIN_CLIENT_ID: 'ops',
    ONHAND_ADMIN_CLIENT_SECRET: ADMIN_SECRET,
    ONHAND_ENVIRONMENTS: 'prod,test',
    ONHAND_OIDC_ISSUER: issuer,
    ONHAND_OIDC_JWKS_URL: `${issuer}/certs`,
    ONHAND_OIDC_AUDIENCE: 'api://onhand',
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => jwksServer?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

async function entraToken(clientId: string, secret: string) {
  const response = await fetch(`${server.url}/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: secret,
      grant_type: 'client_credentials',
      scope: '0cdb527f-a8d1-4bf8-9436-b352c68682b2/.default',
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function exchange(assertion: string, context: string) {
  const response = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'Api-Version': '1.0', 'Content-Type': 'application/json' },
    // Keys as Microsoft's own test code sends them: some capitalised.
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_assertion_type: 'aad_app',
      client_assertion: assertion,
      Scope: 'https://inventoryservice.operations365.dynamics.com/.default',
      Context: context,
      context_type: 'finops-env',
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `bearer ${token}`, 'Api-Version': '1.0', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

const event = {
  id: 'flow-1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
  quantities: { pos: { inbound: 3 } },
};
const query = {
  filters: { organizationId: ['usmf'], productId: ['T-shirt'] },
  groupByValues: [],
  returnNegative: true,
};

describe('the two-step flow of an existing IV client', () => {
  it('form token, then POST /token for one environment, then the API with that token', async () => {
    const step1 = await entraToken('erp-prod', 'erp-prod-secret-0123456789');
    expect(step1.status).toBe(200);
    expect(step1.body).toMatchObject({ token_type: 'Bearer', expires_in: '3600', ext_expires_in: '3600' });
    const assertion = step1.body.access_token as string;

    const step2 = await exchange(assertion, 'prod');
    expect(step2.status).toBe(200);
    expect(step2.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const token = step2.body.access_token as string;

    expect((await api(token, 'POST', '/api/environment/prod/onhand', event)).status).toBe(200);
    const result = await api(token, 'POST', '/api/environment/prod/onhand/indexquery', query);
    expect(result.status).toBe(200);
    expect((result.body as { quantities: { pos: { inbound: number } } }[])[0]?.quantities.pos.inbound).toBe(
      3,
    );
    // The token is scoped to the environment named in context.
    expect((await api(token, 'POST', '/api/environment/test/onhand/indexquery', query)).status).toBe(403);
    // The step-1 token is not an API token.
    expect((await api(assertion, 'POST', '/api/environment/prod/onhand/indexquery', query)).status).toBe(401);
  });

  it('refuses a wrong secret, an environment the client may not use, and a bad context_type', async () => {
    const wrong = await entraToken('erp-prod', 'wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'invalid_client', code: 'invalid_client' });
    const assertion = (await entraToken('erp-prod', 'erp-prod-secret-0123456789')).body
      .access_token as string;
    expect(await exchange(assertion, 'test')).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await exchange('not-a-token', 'prod')).toMatchObject({
      status: 401,
      body: { code: 'invalid_client' },
    });
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_assertion: assertion, context: 'prod', context_type: 'other' }),
    });
    expect(response.status).toBe(400);
  });

  it('publishes its keys: the kid of every token is in /.well-known/jwks.json and verifies it', async () => {
    const assertion = (await entraToken('ops', ADMIN_SECRET)).body.access_token as string;
    const token = (await exchange(assertion, 'prod')).body.access_token as string;
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string; d?: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(token).kid);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as never), { audience: 'onhand-api' });
    expect(payload).toMatchObject({ sub: 'ops', roles: { prod: 'admin' } });
  });
});

describe('a trusted external OpenID provider', () => {
  const providerToken = (claims: Record<string, unknown> = {}, key = providerKey, kid = 'provider-1') =>
    new SignJWT({ azp: 'external-reader', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer((claims.iss as string | undefined) ?? issuer)
      .setAudience((claims.aud as string | undefined) ?? 'api://onhand')
      .setIssuedAt()
      .setExpirationTime((claims.exp as number | undefined) ?? Math.floor(Date.now() / 1000) + 600)
      .sign(key);

  it('its tokens are exchanged for API tokens with the role of the matching client; keys are cached', async () => {
    const hitsBefore = jwksHits;
    for (let i = 0; i < 3; i++) {
      const step2 = await exchange(await providerToken(), 'prod');
      expect(step2.status).toBe(200);
      const token = step2.body.access_token as string;
      expect((await api(token, 'POST', '/api/environment/prod/onhand/indexquery', query)).status).toBe(200);
      // external-reader may read, not write.
      const write = await api(token, 'POST', '/api/environment/prod/onhand', { ...event, id: `ext-${i}` });
      expect(write.status).toBe(403);
    }
    expect(jwksHits - hitsBefore).toBeLessThanOrEqual(1);
    expect(jwksHits).toBe(1);
  });

  it('refuses a wrong audience, a wrong issuer, an expired token, a foreign key and an unknown client', async () => {
    const refused = async (token: string) => {
      const result = await exchange(token, 'prod');
      expect(result.status).toBe(401);
      expect(result.body).toMatchObject({ code: 'invalid_client', error: 'invalid_client' });
    };
    await refused(await providerToken({ aud: 'api://someone-else' }));
    await refused(await providerToken({ iss: 'https://login.example/other' }));
    await refused(await providerToken({ exp: Math.floor(Date.now() / 1000) - 3600 }));
    await refused(await providerToken({}, otherProviderKey));
    await refused(await providerToken({ azp: 'nobody-registered' }));
    // The provider speaks only for its own clients: one of its clients named like a secret-holding
    // Onhand client (here the admin, ops) gets nothing.
    await refused(await providerToken({ azp: 'ops' }));
    await refused(await providerToken({ azp: 'erp-prod' }));
    // An external client has no secret to use at the password grants.
    expect((await entraToken('external-reader', '')).status).toBe(401);
    expect(jwksHits).toBeLessThanOrEqual(2);
  });
});

describe('a real server process under hostile bodies', () => {
  it('answers each with a 4xx and a stable code, and stays up', async () => {
    const assertion = (await entraToken('erp-prod', 'erp-prod-secret-0123456789')).body
      .access_token as string;
    const token = (await exchange(assertion, 'prod')).body.access_token as string;
    const bodies = [
      `{"__proto__":{"polluted":true},"id":"h-1"}`,
      `{"constructor":{"prototype":{"polluted":true}}}`,
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `{"id":"h-2","organizationId":"usmf","productId":"${'x'.repeat(3_000_000)}","quantities":{"pos":{"inbound":1}}}`,
      `{"id":"h-3","organizationId":"usmf","productId":"p","quantities":{"pos":{"inbound":"NaN"}}}`,
      `{"id":"h-4","organizationId":"usmf","productId":"p","quantities":{"pos":{"inbound":1e400}}}`,
      'x'.repeat(5_000_000),
      '{"id": "h-5", ',
    ];
    for (const body of bodies) {
      let response: Response;
      try {
        response = await fetch(`${server.url}/api/environment/prod/onhand`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
      } catch (error) {
        // A body over the limit is answered 413 from its Content-Length and the connection closed while
        // the client may still be sending: fetch then reports the broken pipe instead of the answer.
        expect(body.length).toBeGreaterThan(4 * 1024 * 1024);
        expect(String((error as Error & { cause?: unknown }).cause)).toMatch(
          /EPIPE|ECONNRESET|other side closed/,
        );
        continue;
      }
      expect(response.status, body.slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(response.status, body.slice(0, 60)).toBeLessThan(500);
      const answer = (await response.json()) as { code?: string };
      expect(typeof answer.code).toBe('string');
    }
    expect((await fetch(`${server.url}/health/ping`)).status).toBe(200);
    const rows = await api(token, 'POST', '/api/environment/prod/onhand/indexquery', query);
    expect((rows.body as { quantities: { pos: { inbound: number } } }[])[0]?.quantities.pos.inbound).toBe(3);
  });
});
