import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../../support/harness.js';
import { multipart } from '../oci/oci-import-helpers.js';

/** The Connect REST base of the tests (spec §7): any version from v51.0 works. */
export const CONNECT = '/services/data/v62.0/commerce/oci';

/** A Salesforce-style token (POST /services/oauth2/token, client credentials in the form). */
export async function salesforceToken(
  h: Harness,
  client: { clientId: string; secret: string },
): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/services/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.secret,
    }).toString(),
  });
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

/** A JSON request to a Connect route. */
export function connect(
  h: Harness,
  token: string | null,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method,
    url: `${CONNECT}${path}`,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** A file posted as the multipart part fileUpload to a Connect upload route. */
export function uploadFile(
  h: Harness,
  token: string,
  path: string,
  file: Buffer,
  fileName?: string,
  base = CONNECT,
): Promise<LightMyRequestResponse> {
  const { body, contentType } = multipart(file, 'fileUpload', fileName);
  return h.app.inject({
    method: 'POST',
    url: `${base}${path}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload: body,
  });
}
