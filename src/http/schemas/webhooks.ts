import { Type } from '@sinclair/typebox';
import { NullableString, Quantity } from './common.js';

/*
 * Webhook subscriptions and their deliveries (docs/webhooks.md), an Onhand extension.
 */

const Ids = (what: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
    maxItems: 100,
    description: `Only entries that change one of these ${what} (empty or absent: any).`,
  });

export const WebhookFilters = Type.Object(
  {
    productId: Type.Optional(Ids('products')),
    siteId: Type.Optional(Ids('sites')),
    locationId: Type.Optional(Ids('locations')),
    kind: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 50,
        description: 'Only entries of these kinds, e.g. onhand.change (empty or absent: any).',
      }),
    ),
    measure: Type.Optional(
      Type.String({
        description: 'With below or above: a threshold on this published measure (ds.measure).',
      }),
    ),
    below: Type.Optional(Quantity),
    above: Type.Optional(Quantity),
  },
  {
    title: 'WebhookFilters',
    additionalProperties: false,
    description: 'The change feed filters (docs/feed.md): a delivery carries only the entries that pass.',
  },
);

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Where deliveries are POSTed: an https (or http) URL of a public address.',
});
const Secret = Type.String({
  maxLength: 200,
  description: '"whsec_" and the base64 of 24-64 random bytes; generated when absent.',
});
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

export const WebhookCreate = Type.Object(
  {
    url: Url,
    filters: Type.Optional(WebhookFilters),
    secret: Type.Optional(Secret),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean({ description: 'false: keep the subscription without delivering.' })),
  },
  {
    title: 'WebhookCreate',
    additionalProperties: false,
    examples: [{ url: 'https://hooks.example.com/onhand', filters: { productId: ['T-shirt'] } }],
  },
);

export const WebhookUpdate = Type.Object(
  {
    url: Type.Optional(Url),
    filters: Type.Optional(WebhookFilters),
    secret: Type.Optional(Secret),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  { title: 'WebhookUpdate', additionalProperties: false, examples: [{ enabled: false }] },
);

const webhookFields = {
  id: Type.String(),
  url: Type.String(),
  filters: WebhookFilters,
  description: NullableString,
  enabled: Type.Boolean(),
  status: Type.String({ description: 'active, or failing (a delivery gave up: redeliver to resume).' }),
  failingSince: NullableString,
  position: Type.String({
    description: 'Every entry up to this feed position was handed to a delivery or filtered out.',
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
};

/** The subscription docs/webhooks.md creates (examples of the OpenAPI document are the docs' own). */
const WEBHOOK_EXAMPLE = {
  id: 'wh_5d3c1d0e2b7a9f8e6c4b1a20',
  url: 'https://hooks.example.com/onhand',
  filters: {
    productId: ['T-shirt'],
    siteId: [],
    locationId: [],
    kind: [],
    measure: 'iv.availabletoreserve',
    above: '0',
  },
  description: 'back in stock alerts',
  enabled: true,
  status: 'active',
  failingSince: null,
  position: '2',
  createdAt: '2026-12-03T08:00:00.000Z',
  updatedAt: '2026-12-03T08:00:00.000Z',
};

export const Webhook = Type.Object(webhookFields, { title: 'Webhook', examples: [WEBHOOK_EXAMPLE] });

export const WebhookCreated = Type.Object(
  {
    ...webhookFields,
    secret: Type.String({ description: 'The signing secret. Shown only now: keep it.' }),
  },
  {
    title: 'WebhookCreated',
    examples: [{ ...WEBHOOK_EXAMPLE, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
  },
);

export const WebhookList = Type.Object(
  { webhooks: Type.Array(Webhook) },
  { title: 'WebhookList', examples: [{ webhooks: [WEBHOOK_EXAMPLE] }] },
);

export const WebhookRedeliver = Type.Object(
  {
    after: Type.String({
      pattern: '^[0-9]{1,15}$',
      description: 'Deliver again every entry after this feed position.',
    }),
  },
  { title: 'WebhookRedeliver', additionalProperties: false, examples: [{ after: '0' }] },
);

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({ description: 'The webhook-id header of every attempt.' }),
    number: Type.Integer(),
    status: Type.String({ description: 'pending, delivered, failed (gave up) or cancelled (redelivered).' }),
    firstPosition: Type.String(),
    lastPosition: Type.String(),
    entries: Type.Integer(),
    attempts: Type.Integer(),
    createdAt: Type.String(),
    lastAttemptAt: NullableString,
    lastStatus: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The HTTP status of the last attempt; null when there was none.',
    }),
    lastError: NullableString,
    nextAttemptAt: NullableString,
    deliveredAt: NullableString,
  },
  { title: 'WebhookDelivery' },
);

export const WebhookDeliveryPage = Type.Object(
  {
    deliveries: Type.Array(WebhookDelivery),
    next: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Pass it as `before` for older deliveries; null when there are none.',
    }),
  },
  { title: 'WebhookDeliveryPage', examples: [{ deliveries: [], next: null }] },
);

export const WebhookParams = Type.Object({
  environmentId: Type.String({ description: 'Environment id.' }),
  webhookId: Type.String({ description: 'The subscription id (wh_…).' }),
});

export const DeliveryQuery = Type.Object({
  before: Type.Optional(Type.String({ description: 'Only deliveries numbered below this.' })),
  limit: Type.Optional(Type.String({ description: '1-1000 deliveries (default 100).' })),
});
