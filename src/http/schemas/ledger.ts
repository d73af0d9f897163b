import { Type } from '@sinclair/typebox';
import { LEDGER_EXAMPLE } from '../openapi/doc-examples.js';
import { Dimensions, ErrorDetail, NullableString } from './common.js';

/** One exact change of a ledger entry. */
export const LedgerChange = Type.Object(
  {
    organizationId: Type.String(),
    productId: Type.String(),
    dimensions: Dimensions,
    dataSource: Type.String(),
    measure: Type.String(),
    delta: Type.Number({ description: 'Exact decimal change of the stored value.' }),
    date: Type.Optional(Type.String({ description: 'Change schedules: the day (yyyy-MM-dd).' })),
    created: Type.Optional(
      Type.Boolean({ description: 'True when the change brought the stored value into being.' }),
    ),
  },
  { title: 'LedgerChange' },
);

/**
 * The outcome a write answered, as the ledger keeps it (replayed for a retry). Administrative entries
 * (configuration.updated, partition clean-up) have no id, status or message, only their own fields
 * (configurationVersion, deletedRows).
 */
export const LedgerOutcome = Type.Object(
  {
    id: Type.Optional(Type.String()),
    status: Type.Optional(
      Type.String({
        description: 'success | partialSuccess | failure | conflict | notFound | unknown',
      }),
    ),
    message: Type.Optional(Type.String()),
    configurationVersion: Type.Optional(
      Type.Integer({ description: 'configuration.updated: the version that took effect.' }),
    ),
    code: Type.Optional(Type.String()),
    details: Type.Optional(Type.Array(ErrorDetail)),
    extra: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Extra envelope fields, e.g. reservationId, expiresAt, released.',
      }),
    ),
  },
  { title: 'LedgerOutcome', additionalProperties: true },
);

/** An entry of the event ledger (extension). */
export const LedgerEntry = Type.Object(
  {
    seq: Type.Integer({
      description: 'Sequence number of the entry in the database (not its commit order).',
    }),
    position: Type.Integer({
      description: 'Feed position: the order in which entries committed (docs/feed.md).',
    }),
    fedAt: Type.String({ description: 'When the entry entered the feed.' }),
    clientId: NullableString,
    environmentId: Type.String(),
    partitionId: Type.String(),
    family: Type.String({ description: 'Idempotency family: event ids are unique per family.' }),
    eventId: NullableString,
    bodyHash: Type.String(),
    kind: Type.String({ description: 'e.g. onhand.change, reservation.reserve, schedule.change' }),
    recordedAt: Type.String(),
    request: Type.Unknown({ description: 'The normalised request.' }),
    outcome: LedgerOutcome,
    changes: Type.Array(LedgerChange),
    reference: NullableString,
  },
  { title: 'LedgerEntry' },
);

export const LedgerEntries = Type.Array(LedgerEntry, { title: 'LedgerEntries', examples: [LEDGER_EXAMPLE] });

export const LedgerQuery = Type.Object({
  after: Type.Optional(Type.String({ description: 'Return entries after this feed position (default 0).' })),
  afterSeq: Type.Optional(
    Type.String({
      description:
        'The former name of `after` (a position; equal to the seq of entries written before the change feed).',
    }),
  ),
  limit: Type.Optional(Type.String({ description: 'At most this many entries, 1-1000 (default 100).' })),
});
