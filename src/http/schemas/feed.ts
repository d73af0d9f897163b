import { Type } from '@sinclair/typebox';
import { FEED_STREAM_EXAMPLE, FEED_TICKET_EXAMPLE, SNAPSHOT_EXAMPLE } from '../openapi/doc-examples.js';
import { Dimensions, NullableString } from './common.js';

/*
 * The change feed's schemas (docs/feed.md). Positions are strings of digits (opaque to clients).
 */

const Position = Type.String({
  description: 'A feed position (opaque; pass it back as `after`).',
  pattern: '^[0-9]+$',
});
const Quantities = Type.Record(Type.String(), Type.Record(Type.String(), Type.Number()));

/** One exact change of an entry. */
export const FeedChange = Type.Object(
  {
    organizationId: Type.String(),
    productId: Type.String(),
    dimensions: Dimensions,
    dataSource: Type.String(),
    measure: Type.String(),
    delta: Type.Number({ description: 'Exact decimal change of the stored value.' }),
    date: Type.Optional(
      Type.String({ description: 'A change to the value scheduled for that day (yyyy-MM-dd).' }),
    ),
    created: Type.Optional(Type.Boolean({ description: 'The change brought the stored value into being.' })),
  },
  { title: 'FeedChange' },
);

/** The published measures of one product in one partition at one level, after the entry's change. */
export const FeedAvailability = Type.Object(
  {
    organizationId: Type.String(),
    productId: Type.String(),
    partitionId: Type.String(),
    dimensions: Dimensions,
    indexSet: Type.Optional(
      Type.Integer({ description: 'The index set of this level; absent for the full tuple.' }),
    ),
    quantities: Quantities,
  },
  { title: 'FeedAvailability' },
);

/** One entry of the change feed. */
export const FeedEntry = Type.Object(
  {
    position: Position,
    kind: Type.String({ description: 'e.g. onhand.change, reservation.reserve, configuration.updated' }),
    eventId: NullableString,
    clientId: NullableString,
    recordedAt: Type.String(),
    partitionId: Type.String(),
    reference: NullableString,
    changes: Type.Array(FeedChange),
    availability: Type.Array(FeedAvailability),
  },
  { title: 'FeedEntry' },
);

export const FeedPage = Type.Object(
  {
    entries: Type.Array(FeedEntry),
    next: Type.String({ description: 'Pass it as `after` to read the following page.' }),
  },
  {
    title: 'FeedPage',
    examples: [{ entries: [], next: '0' }],
  },
);

export const FeedTicketRequest = Type.Object(
  {},
  { title: 'FeedTicketRequest', additionalProperties: false, examples: [{}], description: 'No fields.' },
);

export const FeedTicket = Type.Object(
  {
    ticket: Type.String({
      description: 'Pass it as ?ticket= to …/feed/stream, once, within expiresIn seconds.',
    }),
    expiresIn: Type.Integer(),
  },
  { title: 'FeedTicket', examples: [FEED_TICKET_EXAMPLE] },
);

export const FeedEventStream = Type.String({
  title: 'FeedEventStream',
  examples: [FEED_STREAM_EXAMPLE],
  description:
    'Server-sent events: `id: <position>`, `event: entry`, `data: <FeedEntry>`; `: heartbeat` every 15 s.',
});

export const SnapshotStream = Type.String({
  title: 'SnapshotStream',
  examples: [SNAPSHOT_EXAMPLE],
  description:
    'NDJSON: a {"type":"snapshot","position"} line, then stock and schedule lines (the export format), then {"type":"end","position","counts"}.',
});

export const FeedQuery = Type.Object({
  after: Type.Optional(
    Type.String({
      description:
        'Entries after this feed position (older than the retention window: 410 cursor_expired). Default: from the oldest entry still served.',
      examples: ['0'],
    }),
  ),
  limit: Type.Optional(Type.String({ description: '1-1000 entries (default 100).' })),
  productId: Type.Optional(Type.String({ description: 'Only entries changing this product (repeatable).' })),
  siteId: Type.Optional(Type.String({ description: 'Only entries changing this site (repeatable).' })),
  locationId: Type.Optional(
    Type.String({ description: 'Only entries changing this location (repeatable).' }),
  ),
  kind: Type.Optional(Type.String({ description: 'Only entries of this kind (repeatable).' })),
  measure: Type.Optional(
    Type.String({ description: 'With below or above: a threshold on this published measure.' }),
  ),
  below: Type.Optional(Type.String({ description: 'Entries where the measure falls below this value.' })),
  above: Type.Optional(Type.String({ description: 'Entries where the measure rises above this value.' })),
});

/** The stream's parameters: the feed's filters, `after` (or the Last-Event-ID header) and a ticket. */
export const FeedStreamQuery = Type.Object({
  after: Type.Optional(
    Type.String({
      description:
        'Start after this feed position (older than the retention window: 410 cursor_expired); the Last-Event-ID header takes precedence. Default: the current head (new entries only).',
      examples: ['0'],
    }),
  ),
  ticket: Type.Optional(
    Type.String({
      description: 'A single-use ticket from POST …/feed/tickets, for EventSource (no header).',
    }),
  ),
  productId: FeedQuery.properties.productId,
  siteId: FeedQuery.properties.siteId,
  locationId: FeedQuery.properties.locationId,
  kind: FeedQuery.properties.kind,
  measure: FeedQuery.properties.measure,
  below: FeedQuery.properties.below,
  above: FeedQuery.properties.above,
  progress: Type.Optional(
    Type.String({
      description:
        'true: when the filter leaves entries out, an `event: progress` (`id:` and data `{"position"}`) says how far the feed has gone.',
      examples: ['true'],
    }),
  ),
});
