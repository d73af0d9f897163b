import type { FastifyInstance } from 'fastify';
import { detail, OnhandError } from '../../domain/codes.js';
import { type LogHistoryInput, parseLogHistory } from '../../domain/log-history/log-request.js';
import { RESYNC_JOB } from '../../engine/jobs/reservation-resync.js';
import { LOG_HISTORY_JOB, type LogHistoryResult } from '../../engine/log-history/log-history-job.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { EXTENSION } from '../extension-params.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import {
  JobProgress,
  JobProgressQuery,
  JobStarted,
  LogHistoryExtract,
  LogHistoryParams,
  LogHistoryRequestSchema,
  ResyncJobRequest,
} from '../schemas/jobs.js';
import { validator } from '../validation.js';

const checkResync = validator(ResyncJobRequest);
const checkLogHistory = validator(LogHistoryRequestSchema);

/**
 * Background jobs (spec §2.8 #8 and #9, §2.12 #23): the reservation resync job, the log-history extract,
 * and getJobProgress. A job-starting request answers its job id at once; the server's job runner does
 * the work, and any server process sharing the database can.
 */
export function jobRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { jobs, environments } = deps.engine;

  app.post('/api/environment/:environmentId/onhand/reserve/resyncjob', {
    onRequest: requireAccess(deps.auth, { role: 'admin' }),
    schema: {
      tags: ['Soft reservations'],
      summary: 'Clean up reservation data: release every open reservation of the data sources (a job)',
      params: EnvironmentParams,
      body: ResyncJobRequest,
      response: { 200: JobStarted, ...errorResponses() },
    },
    handler: async (request) => {
      const sources = checkResync(request.body).map((s) => s.toLowerCase());
      const config = await environments.get(request.environmentId);
      sources.forEach((source, i) => {
        if (!config.dataSources.has(source)) {
          const message = `"${source}" is not a configured data source.`;
          throw new OnhandError('unknown_data_source', message, [
            detail('unknown_data_source', `/${i}`, message),
          ]);
        }
      });
      return { jobId: await jobs.submit(request.environmentId, RESYNC_JOB, { dataSources: sources }) };
    },
  });

  app.get('/api/environment/:environmentId/getJobProgress', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags: ['Jobs'],
      summary: 'Progress of a job (resync, log history)',
      params: EnvironmentParams,
      querystring: JobProgressQuery,
      response: { 200: JobProgress, ...errorResponses() },
    },
    handler: async (request) => {
      const job = await jobs.get(request.environmentId, jobIdOf(request.query));
      return {
        jobId: job.jobId,
        status: job.status,
        message: job.message,
        startedAt: job.startedAt,
        completedAt: job.completedAt,
        kind: job.kind,
        createdAt: job.createdAt,
        attempts: job.attempts,
        progress: job.progress,
      };
    },
  });

  app.post('/api/environment/:environmentId/logTransactionDetails', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags: ['Jobs'],
      summary: 'Prepare a log-history extract of the changes to an organization between two days (a job)',
      params: EnvironmentParams,
      body: LogHistoryRequestSchema,
      response: { 200: JobStarted, ...errorResponses() },
    },
    handler: async (request) => {
      const parsed = parseLogHistory(checkLogHistory(request.body) as LogHistoryInput);
      return { jobId: await jobs.submit(request.environmentId, LOG_HISTORY_JOB, parsed) };
    },
  });

  app.get('/api/environment/:environmentId/logTransactionDetails/:jobId', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    config: EXTENSION,
    schema: {
      tags: ['Jobs'],
      summary: 'The log-history extract of a completed job (extension: the vendor fills a Dataverse table)',
      params: LogHistoryParams,
      response: { 200: LogHistoryExtract, ...errorResponses(409) },
    },
    handler: async (request) => {
      const { jobId } = request.params as { jobId: string };
      const job = await jobs.get(request.environmentId, jobId);
      if (job.kind !== LOG_HISTORY_JOB)
        throw new OnhandError('job_not_found', `Job "${jobId}" is not a log-history extract.`);
      if (job.status !== 'Completed')
        throw new OnhandError('job_not_finished', `Job "${jobId}" is ${job.status}; poll getJobProgress.`);
      const result = job.result as LogHistoryResult;
      // Quantities are stored as exact millionths; bigints serialise as exact decimal numbers.
      const rows = result.rows.map((row) => ({ ...row, quantity: BigInt(row.quantity) }));
      return { jobId, rows, truncated: result.truncated };
    },
  });
}

/** The jobId parameter (case-insensitive, as IV routes read their parameters). */
function jobIdOf(query: unknown): string {
  const entry = Object.entries(query as Record<string, unknown>).find(([k]) => k.toLowerCase() === 'jobid');
  const value = Array.isArray(entry?.[1]) ? entry[1][0] : entry?.[1];
  if (typeof value !== 'string' || value === '') {
    throw new OnhandError('missing_field', 'Give the job id: ?jobId=…', [
      detail('missing_field', 'query:jobId', 'This parameter is required.'),
    ]);
  }
  return value;
}
