import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { Metrics } from '../../src/http/metrics.js';
import { RequestLogger, requestLogger } from '../../src/http/request-logger.js';
import { loggerOptions } from '../../src/log-options.js';
import { httpSettings } from '../../src/settings.js';
import { startHarness } from '../support/harness.js';

/** Logger options at `level` writing JSON lines into `lines`. */
function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { options: { ...loggerOptions(level), stream }, lines };
}

/** A pino logger at `level` (Fastify's own) and the JSON lines it writes. */
function serverLogger(level: string) {
  const { options, lines } = capture(level);
  return { log: Fastify({ logger: options }).log, lines };
}

describe("a request's logger", () => {
  it('writes nothing below the level, and a line with the request id at or above it', () => {
    const { log, lines } = serverLogger('warn');
    const logger = requestLogger(log, { reqId: 'req-1' }, {});
    expect(logger).toBeInstanceOf(RequestLogger);
    expect(logger.level).toBe('warn');
    logger.info('incoming request');
    logger.debug({ detail: 1 }, 'detail');
    expect(lines).toEqual([]);
    logger.warn({ err: new Error('disk slow') }, 'database failure');
    logger.error('unexpected error');
    logger.child({ part: 'sse' }).error('stream failed');
    expect(lines.map((line) => [line.reqId, line.msg, line.level])).toEqual([
      ['req-1', 'database failure', 40],
      ['req-1', 'unexpected error', 50],
      ['req-1', 'stream failed', 50],
    ]);
    expect(lines[0]).toMatchObject({ err: { message: 'disk slow' } });
    expect(lines[2]).toMatchObject({ part: 'sse' });
  });

  it('still redacts credentials in the lines it writes', () => {
    const { log, lines } = serverLogger('info');
    requestLogger(log, { reqId: 'req-2' }, {}).info({ authorization: 'Bearer secret-token' }, 'seen');
    expect(lines[0]).toMatchObject({ reqId: 'req-2', authorization: '[redacted]', msg: 'seen' });
  });

  it('takes a level of its own (a route log level) at once', () => {
    const { log, lines } = serverLogger('warn');
    const logger = requestLogger(log, { reqId: 'req-3' }, { level: 'debug' });
    expect(logger.level).toBe('debug');
    logger.debug('detail');
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([['req-3', 'detail']]);
  });

  it('in the app: a query answered at warn writes no line; at info the request lines carry its id', async () => {
    const h = await startHarness();
    const { options, lines } = capture('warn');
    const app = await buildApp(
      { ...h.services, metrics: new Metrics(), settings: httpSettings(h.settings) },
      { logger: options },
    );
    try {
      const headers = { authorization: `Bearer ${h.adminToken}`, 'x-request-id': 'query-1' };
      const answered = await app.inject({
        method: 'POST',
        url: '/api/environment/test/onhand/indexquery',
        headers,
        payload: { filters: { organizationId: ['usmf'], productId: ['Nothing'] }, groupByValues: [] },
      });
      expect(answered.statusCode).toBe(200);
      expect(answered.headers['x-request-id']).toBe('query-1');
      expect(lines).toEqual([]);
      app.log.level = 'info';
      await app.inject({ method: 'GET', url: '/health/ping', headers: { 'x-request-id': 'ping-1' } });
      expect(lines.filter((line) => line.reqId === 'ping-1').map((line) => line.msg)).toEqual([
        'incoming request',
        'request completed',
      ]);
    } finally {
      await app.close();
      await h.close();
    }
  });
});
