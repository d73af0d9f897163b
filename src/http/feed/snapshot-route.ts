import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import { scheduleLine, stockLine } from '../../engine/transfer/format.js';
import type { RouteDeps } from '../context.js';
import { requireAccess } from '../context.js';
import { errorBody } from '../errors.js';
import { EXTENSION } from '../extension-params.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { SnapshotStream } from '../schemas/feed.js';

/** Resolves when the response can take more, rejects when the client went away (the snapshot stops). */
function drained(raw: import('node:http').ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', gone);
      resolve();
    };
    const gone = () => {
      raw.off('drain', done);
      reject(new OnhandError('service_unavailable', 'The client closed the connection.'));
    };
    raw.once('drain', done);
    raw.once('close', gone);
  });
}

/**
 * GET …/snapshot: the environment's current stock rows and scheduled changes as NDJSON, consistent with
 * one feed position (header `Onhand-Position` and the first line), read in one database snapshot. A
 * follower loads it, then follows the feed from that position. Lines use the export format's `stock`
 * and `schedule` records; the last line is `{"type":"end",…}` with the counts, so a cut stream is noticed.
 */
export function snapshotRoute(app: FastifyInstance, deps: RouteDeps, path: string, tags: string[]): void {
  app.get(path, {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags,
      summary: 'Extension: the current stock as NDJSON, with the feed position it is consistent with',
      params: EnvironmentParams,
      produces: ['application/x-ndjson'],
      response: { 200: SnapshotStream, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const environmentId = request.environmentId;
      await deps.engine.environments.get(environmentId);
      reply.hijack();
      const raw = reply.raw;
      const counts = { stock: 0, schedule: 0 };
      let started = false;
      try {
        const position = await deps.engine.feed.snapshot(environmentId, null, async (page, at) => {
          let text = '';
          if (!started) {
            started = true;
            raw.writeHead(200, {
              'content-type': 'application/x-ndjson; charset=utf-8',
              'cache-control': 'no-store',
              'x-content-type-options': 'nosniff',
              'x-request-id': request.id,
              'onhand-position': String(at),
            });
            text += `${JSON.stringify({ type: 'snapshot', environmentId, position: String(at) })}\n`;
          }
          for (const row of page.stock) text += `${JSON.stringify(stockLine(row))}\n`;
          for (const row of page.schedule) text += `${JSON.stringify(scheduleLine(row))}\n`;
          counts.stock += page.stock.length;
          counts.schedule += page.schedule.length;
          if (!raw.write(text)) await drained(raw);
        });
        raw.end(`${JSON.stringify({ type: 'end', position: String(position), counts })}\n`);
      } catch (error) {
        const failure = error instanceof OnhandError ? error : new OnhandError('internal_error');
        request.log.error({ err: error }, 'snapshot failed');
        if (!started) {
          raw.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          raw.end(JSON.stringify(errorBody(failure)));
        } else {
          raw.end(`${JSON.stringify({ type: 'error', ...errorBody(failure) })}\n`);
        }
      }
    },
  });
}
