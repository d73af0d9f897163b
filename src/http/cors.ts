import type { FastifyInstance } from 'fastify';

/** Headers a browser may send cross-origin: what the SDK and the docs' examples use. */
const ALLOWED_HEADERS =
  'authorization, content-type, api-version, onhand-consistency, onhand-min-position, last-event-id, x-request-id';
/** Headers a browser's script may read from a cross-origin answer. */
const EXPOSED_HEADERS = 'onhand-position, onhand-commit-token, x-request-id, retry-after';

/**
 * ONHAND_CORS_ORIGINS: the browser origins (scheme://host[:port]) allowed to call the API
 * cross-origin, comma-separated; `*` for any; empty (the default) for none. Returns the list,
 * lower-cased and without trailing slashes.
 */
export function corsOrigins(value: string | undefined): readonly string[] {
  const origins = (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, '').toLowerCase())
    .filter((o) => o !== '');
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(
        `ONHAND_CORS_ORIGINS: "${origin}" is not an origin such as https://shop.example.com or *`,
      );
    }
  }
  return origins;
}

/**
 * Cross-origin access for the listed origins (docs/configuration.md, docs/sdk.md): answers preflight
 * requests (OPTIONS with Access-Control-Request-Method) with 204, and adds Access-Control-Allow-Origin
 * to every answer for an allowed Origin. Credentials (cookies) are never allowed: Onhand authenticates
 * with bearer tokens only, so a page can use only the key it holds. Nothing is added for other origins,
 * and with no origins listed the hook is not installed.
 */
export function installCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const allowOf = (origin: string | undefined): string | undefined => {
    if (origin === undefined) return undefined;
    if (any) return '*';
    return allowed.has(origin.toLowerCase()) ? origin : undefined;
  };
  app.addHook('onRequest', async (request, reply) => {
    const origin = allowOf(request.headers.origin);
    if (origin === undefined) return;
    reply.header('access-control-allow-origin', origin);
    if (!any) reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      reply
        .header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    }
  });
}
