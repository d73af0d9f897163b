import { Type } from '@sinclair/typebox';
import { Dimensions } from './common.js';

/** Body of the reservation resync job (#8): data source names; empty: every data source. */
export const ResyncJobRequest = Type.Array(Type.String(), {
  title: 'ResyncJobRequest',
  description: 'Data sources whose reservations are cleaned up; an empty array: all of them.',
  maxItems: 100,
  examples: [['iv']],
});

export const JobStarted = Type.Object(
  { jobId: Type.String({ description: 'Poll GET …/getJobProgress?jobId= with it.' }) },
  {
    title: 'JobStarted',
    examples: [{ jobId: 'ReservationResyncJob:0b6f2c1e-8d2f-4a8e-9d7c-3f1f5d2b7a10' }],
  },
);

export const JobProgressQuery = Type.Object({
  jobId: Type.String({
    description: 'The id a job-starting request answered.',
    examples: ['ReservationResyncJob:0b6f2c1e-8d2f-4a8e-9d7c-3f1f5d2b7a10'],
  }),
});

export const JobProgress = Type.Object(
  {
    jobId: Type.String(),
    status: Type.String({ description: 'Queued | Running | Completed | Failed' }),
    message: Type.String(),
    startedAt: Type.Union([Type.String(), Type.Null()]),
    completedAt: Type.Union([Type.String(), Type.Null()]),
    kind: Type.String({ description: 'Extension: ReservationResyncJob or TransactionLoggingJob.' }),
    createdAt: Type.String({ description: 'Extension: when the job was submitted.' }),
    attempts: Type.Integer({
      description: 'Extension: how many times a process started it (more: resumed).',
    }),
    progress: Type.Unknown({ description: 'Extension: what the job has done so far (null before).' }),
  },
  {
    title: 'JobProgress',
    examples: [
      {
        jobId: 'ReservationResyncJob:0b6f2c1e-8d2f-4a8e-9d7c-3f1f5d2b7a10',
        status: 'Completed',
        message: '',
        startedAt: '2026-12-03T08:00:00.000Z',
        completedAt: '2026-12-03T08:00:01.000Z',
        kind: 'ReservationResyncJob',
        createdAt: '2026-12-03T08:00:00.000Z',
        attempts: 1,
        progress: null,
      },
    ],
  },
);

/** Body of POST …/logTransactionDetails (spec §2.12). */
export const LogHistoryRequestSchema = Type.Object(
  {
    id: Type.String({ description: 'The request id.' }),
    organizationId: Type.String(),
    UtcFromDate: Type.String({
      description: 'First day (UTC), e.g. "2023/8/23" or "2023-08-23", or a time.',
    }),
    UtcToDate: Type.String({ description: 'Last day (UTC), included whole; or a time (excluded).' }),
    productId: Type.Optional(Type.String()),
    dimensions: Type.Optional(Dimensions),
  },
  {
    title: 'LogHistoryRequest',
    additionalProperties: false,
    examples: [
      {
        id: 'log-1',
        organizationId: 'usmf',
        UtcFromDate: '2023/8/23',
        UtcToDate: '2023/8/23',
        productId: 'D0001',
        dimensions: { SiteId: '1', LocationId: '13' },
      },
    ],
  },
);

export const LogHistoryParams = Type.Object({ environmentId: Type.String(), jobId: Type.String() });

const LogHistoryRow = Type.Object(
  {
    position: Type.Integer({ description: 'Feed position of the ledger entry.' }),
    recordedAt: Type.String(),
    apiType: Type.String({ description: 'The write, e.g. onhand.change, onhand.set, reservation.reserve.' }),
    eventId: Type.Union([Type.String(), Type.Null()]),
    clientId: Type.Union([Type.String(), Type.Null()]),
    organizationId: Type.String(),
    productId: Type.String(),
    dimensions: Type.Record(Type.String(), Type.String()),
    dataSource: Type.String(),
    measure: Type.String(),
    quantity: Type.Number({ description: 'The exact change.' }),
    date: Type.Optional(Type.String({ description: 'Change schedules: the scheduled day.' })),
  },
  { title: 'LogHistoryRow' },
);

export const LogHistoryExtract = Type.Object(
  {
    jobId: Type.String(),
    rows: Type.Array(LogHistoryRow),
    truncated: Type.Boolean({ description: 'True when the range held more changes than one extract keeps.' }),
  },
  {
    title: 'LogHistoryExtract',
    examples: [
      {
        jobId: 'TransactionLoggingJob:5a0c1e2f-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
        rows: [
          {
            position: 1,
            recordedAt: '2026-12-03T08:00:00.000Z',
            apiType: 'onhand.change',
            eventId: 'Test201',
            clientId: 'admin',
            organizationId: 'usmf',
            productId: 'T-shirt',
            dimensions: { siteid: '1', locationid: '11', colorid: 'red' },
            dataSource: 'pos',
            measure: 'inbound',
            quantity: 1,
          },
        ],
        truncated: false,
      },
    ],
  },
);
