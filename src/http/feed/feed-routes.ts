import type { FastifyInstance } from 'fastify';
import { feedEntryJson } from '../../engine/feed/feed-entry.js';
import type { RouteDeps } from '../context.js';
import { requireAccess } from '../context.js';
import { EXTENSION } from '../extension-params.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { FeedPage, FeedQuery, FeedTicket, FeedTicketRequest } from '../schemas/feed.js';
import { issueTicket, TICKET_TTL_SECONDS } from './feed-access.js';
import { feedFilter, integer, position } from './feed-params.js';
import { snapshotRoute } from './snapshot-route.js';
import { streamRoute } from './stream-route.js';

const tags = ['Change feed'];

/**
 * The change feed (docs/feed.md), an Onhand extension: pull by position, server-sent events, tickets
 * for browsers, and the snapshot a follower starts from.
 */
export function feedRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const base = '/api/environment/:environmentId';
  app.get(`${base}/feed`, {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags,
      summary: 'Extension: the entries after a position, in commit order, with the availability after each',
      params: EnvironmentParams,
      querystring: FeedQuery,
      response: { 200: FeedPage, ...errorResponses(410) },
    },
    handler: async (request, reply) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      // Without `after`: from the oldest entry still served (never cursor_expired).
      const after = position(query.after, 'after');
      const limit = integer(query.limit, 100, 1, 1000, 'limit');
      const { entries, next } = await deps.engine.feed.read(
        request.environmentId,
        after,
        limit,
        feedFilter(query),
      );
      reply.header('onhand-position', String(next));
      return { entries: entries.map(feedEntryJson), next: String(next) };
    },
  });

  app.post(`${base}/feed/tickets`, {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'availability' }),
    schema: {
      tags,
      summary: 'Extension: a single-use ticket (60 s) for following the feed with EventSource',
      params: EnvironmentParams,
      body: FeedTicketRequest,
      response: { 200: FeedTicket, ...errorResponses() },
    },
    handler: async (request) => {
      await deps.engine.environments.get(request.environmentId);
      return { ticket: await issueTicket(deps, request), expiresIn: TICKET_TTL_SECONDS };
    },
  });

  streamRoute(app, deps, `${base}/feed/stream`, tags);
  snapshotRoute(app, deps, `${base}/snapshot`, tags);
}
