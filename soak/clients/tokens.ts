import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose';

/** A token signed with the server's own key but expired an hour ago (same claims as `token`). */
export async function expiredToken(token: string, dataDir: string): Promise<string> {
  const jwk = JSON.parse(await readFile(join(dataDir, 'keys', 'signing-key.json'), 'utf8')) as JWK & {
    kid: string;
  };
  const key = await importJWK(jwk, 'EdDSA');
  const claims = decodeJwt(token);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 })
    .setProtectedHeader({ alg: 'EdDSA', kid: decodeProtectedHeader(token).kid ?? jwk.kid })
    .sign(key);
}

/** `token` with its claims changed (admin everywhere) and its signature kept: a forgery. */
export function tamperedToken(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, roles: { '*': 'admin' }, sub: 'hostile' })).toString(
    'base64url',
  );
  return `${header}.${forged}.${signature}`;
}

/** A token from Onhand's own client-credentials flow. */
export async function fetchToken(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  if (!response.ok) throw new Error(`token for ${clientId}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
