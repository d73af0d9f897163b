import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import type { RouteDeps } from '../context.js';
import { errorBody } from '../errors.js';
import { EXTENSION } from '../extension-params.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { FeedEventStream, FeedStreamQuery } from '../schemas/feed.js';
import { redactedFor, streamAccess } from './feed-access.js';
import { feedFilter, flag, position } from './feed-params.js';
import { HEARTBEAT_MS, SseSink } from './sse-sink.js';

/** Unsent bytes a follower may let pile up before it is disconnected as too slow. */
export const MAX_BUFFERED = 4 * 1024 * 1024;

/**
 * GET …/feed/stream: server-sent events. Starts after `Last-Event-ID` (what EventSource sends when it
 * reconnects) or `?after=`, else at the current head (new entries only). A cursor older than the
 * retention window is refused with 410 before the stream starts. Streams end when the server shuts down;
 * followers reconnect and resume from their last id.
 */
export function streamRoute(app: FastifyInstance, deps: RouteDeps, path: string, tags: string[]): void {
  const open = new Set<SseSink>();
  app.addHook('preClose', async () => {
    for (const sink of open) sink.end();
  });
  app.get(path, {
    config: EXTENSION,
    onRequest: streamAccess(deps),
    schema: {
      tags,
      summary:
        'Extension: follow the change feed as server-sent events (id: = position; Last-Event-ID resumes)',
      params: EnvironmentParams,
      querystring: FeedStreamQuery,
      produces: ['text/event-stream'],
      response: { 200: FeedEventStream, ...errorResponses(410) },
    },
    handler: async (request, reply) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      const lastEventId = request.headers['last-event-id'];
      const after =
        position(typeof lastEventId === 'string' ? lastEventId : undefined, 'Last-Event-ID') ??
        position(query.after, 'after');
      const filter = feedFilter(query);
      const withProgress = flag(query.progress, 'progress');
      const environmentId = request.environmentId;
      await deps.engine.environments.get(environmentId);
      if (after !== undefined) await deps.engine.feed.checkCursor(environmentId, after);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        // Headers set before the hijack (cross-origin access, docs/configuration.md) still apply.
        ...(reply.getHeaders() as Record<string, string | string[]>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
        'x-request-id': request.id,
      });
      raw.write('retry: 1000\n\n');
      const sink = new SseSink(
        raw,
        MAX_BUFFERED,
        deps.settings.feedHeartbeatMs ?? HEARTBEAT_MS,
        redactedFor(request),
        withProgress,
      );
      open.add(sink);
      raw.on('close', () => open.delete(sink));
      try {
        const stop = await deps.engine.feed.subscribe(environmentId, after, filter, sink);
        if (sink.closed) stop();
        else raw.on('close', stop);
      } catch (error) {
        const failure = error instanceof OnhandError ? error : new OnhandError('internal_error');
        raw.write(`event: error\ndata: ${JSON.stringify(errorBody(failure))}\n\n`);
        sink.end();
      }
    },
  });
}
