import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import { errorBody } from '../errors.js';
import { statusOf } from '../status-table.js';

/** Where the dashboard lives. */
export const DASHBOARD_PREFIX = '/ui';

/**
 * The Content-Security-Policy of the dashboard's files: scripts, styles and connections from this
 * origin only, no inline script or style element, no plugins, no framing, no form posts elsewhere, and
 * Trusted Types required with no policy allowed, so no string can ever reach an HTML sink.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/**
 * Serves the built dashboard (packages/dashboard/dist) at /ui/. Its files are public like /docs: they
 * hold no data; everything it shows comes from the API with the signed-in client's token. When the
 * directory has no index.html, /ui answers 404 with how to build it.
 */
export async function dashboardRoutes(app: FastifyInstance, dir: string | undefined): Promise<void> {
  if (dir === undefined) return;
  if (!existsSync(join(dir, 'index.html'))) {
    const missing = async (_request: unknown, reply: FastifyReply) =>
      reply
        .code(statusOf('not_found'))
        .send(
          errorBody(
            new OnhandError(
              'not_found',
              `The dashboard is not built (no index.html in ${dir}): run "npm run build:ui" or set ONHAND_DASHBOARD_DIR.`,
            ),
          ),
        );
    app.get(DASHBOARD_PREFIX, { schema: { hide: true } }, missing);
    app.get(`${DASHBOARD_PREFIX}/*`, { schema: { hide: true } }, missing);
    return;
  }
  // Files are served by name only (the build writes a flat folder): no paths, no dot files, so nothing
  // outside the folder can be named.
  await app.register(fastifyStatic, { root: dir, serve: false, decorateReply: true, dotfiles: 'ignore' });
  const send = (file: string, reply: FastifyReply) => {
    if (!FILE.test(file) || !existsSync(join(dir, file))) {
      return reply
        .code(statusOf('not_found'))
        .send(errorBody(new OnhandError('not_found', `No dashboard file "${file.slice(0, 80)}".`)));
    }
    return reply.header('cache-control', 'no-cache').sendFile(file);
  };
  app.get(DASHBOARD_PREFIX, { schema: { hide: true } }, async (_request, reply) => send('index.html', reply));
  app.get(`${DASHBOARD_PREFIX}/*`, { schema: { hide: true } }, async (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    return send(file === '' ? 'index.html' : file, reply);
  });
}

const FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;
