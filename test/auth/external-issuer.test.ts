import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ExternalIssuer } from '../../src/auth/external-issuer.js';
import { freePort } from '../support/server-process.js';

const ISSUER = 'https://idp.example/realms/erp';

async function jwksServer(keys: object[]) {
  let hits = 0;
  const server = createServer((_request, response) => {
    hits++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/certs`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('ExternalIssuer', () => {
  it('names the client from the first claim present, and refuses alg none and HMAC tokens', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = await jwksServer([{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }]);
    try {
      const issuer = new ExternalIssuer({
        issuer: ISSUER,
        jwksUrl: jwks.url,
        audience: 'onhand',
        clientClaims: ['azp', 'appid'],
      });
      const sign = (claims: Record<string, unknown>) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setIssuer(ISSUER)
          .setAudience('onhand')
          .setExpirationTime('5m')
          .sign(privateKey);
      expect(await issuer.verify(await sign({ appid: 'app-1' }))).toBe('app-1');
      expect(await issuer.verify(await sign({ azp: 'app-2', appid: 'app-1' }))).toBe('app-2');
      await expect(issuer.verify(await sign({ sub: 'user' }))).rejects.toMatchObject({
        code: 'invalid_token',
      });
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const payload = { iss: ISSUER, aud: 'onhand', azp: 'app-1', exp: Math.floor(Date.now() / 1000) + 60 };
      const none = `${b64({ alg: 'none' })}.${b64(payload)}.`;
      expect(issuer.claimsToBeFrom(none)).toBe(true);
      await expect(issuer.verify(none)).rejects.toMatchObject({ code: 'invalid_token' });
      const hmac = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .sign(new TextEncoder().encode('a-shared-secret-of-thirty-two-bytes!!'));
      await expect(issuer.verify(hmac)).rejects.toMatchObject({ code: 'invalid_token' });
      expect(jwks.hits()).toBe(1);
    } finally {
      await jwks.close();
    }
  });

  it('answers service_unavailable when the provider keys cannot be fetched', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const issuer = new ExternalIssuer({
      issuer: ISSUER,
      jwksUrl: `http://127.0.0.1:${await freePort()}/certs`,
      audience: 'onhand',
      clientClaims: ['azp'],
    });
    const token = await new SignJWT({ azp: 'a' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('onhand')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(issuer.verify(token)).rejects.toMatchObject({ code: 'service_unavailable' });
  });

  it.each([
    ['a non-200 answer', 503, '{"error":"down"}'],
    ['a body that is not a key set', 200, '{"keys": "nope"}'],
  ])('answers service_unavailable when the key set URL gives %s', async (_case, status, body) => {
    const server = createServer((_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { privateKey } = await generateKeyPair('ES256');
      const issuer = new ExternalIssuer({
        issuer: ISSUER,
        jwksUrl: `http://127.0.0.1:${port}/certs`,
        audience: 'onhand',
        clientClaims: ['azp'],
      });
      const token = await new SignJWT({ azp: 'a' })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience('onhand')
        .setExpirationTime('5m')
        .sign(privateKey);
      await expect(issuer.verify(token)).rejects.toMatchObject({ code: 'service_unavailable' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
