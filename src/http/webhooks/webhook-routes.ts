import type { FastifyInstance } from 'fastify';
import type { WebhookFilters } from '../../domain/webhooks/webhook-definition.js';
import type { WebhookInput } from '../../engine/webhooks/webhook-service.js';
import type { RouteDeps } from '../context.js';
import { requireAccess } from '../context.js';
import { EXTENSION } from '../extension-params.js';
import { integer } from '../feed/feed-params.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import {
  DeliveryQuery,
  Webhook,
  WebhookCreate,
  WebhookCreated,
  WebhookDeliveryPage,
  WebhookList,
  WebhookParams,
  WebhookRedeliver,
  WebhookUpdate,
} from '../schemas/webhooks.js';
import { validator } from '../validation.js';

const tags = ['Webhooks'];
const checkCreate = validator(WebhookCreate);
const checkUpdate = validator(WebhookUpdate);
const checkRedeliver = validator(WebhookRedeliver);

type Params = { webhookId: string };

/**
 * Webhook subscriptions (docs/webhooks.md), an Onhand extension for admins: create, list, read, change,
 * delete, redeliver from a position, and the delivery log.
 */
export function webhookRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const base = '/api/environment/:environmentId/webhooks';
  const onRequest = requireAccess(deps.auth, { role: 'admin' });
  const hooks = deps.engine.webhooks;

  app.post(base, {
    onRequest,
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Extension: subscribe a URL to the change feed (admin); the secret is returned only here',
      params: EnvironmentParams,
      body: WebhookCreate,
      response: { 201: WebhookCreated, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const created = await hooks.create(request.environmentId, input(checkCreate(request.body ?? null)));
      reply.code(201).header('location', `${request.url.split('?')[0]}/${created.id}`);
      return created;
    },
  });

  app.get(base, {
    onRequest,
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Extension: the webhook subscriptions of the environment (admin)',
      params: EnvironmentParams,
      response: { 200: WebhookList, ...errorResponses() },
    },
    handler: async (request) => {
      return { webhooks: await hooks.list(request.environmentId) };
    },
  });

  app.get(`${base}/:webhookId`, {
    onRequest,
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Extension: one webhook subscription (admin)',
      params: WebhookParams,
      response: { 200: Webhook, ...errorResponses() },
    },
    handler: async (request) => {
      return hooks.get(request.environmentId, (request.params as Params).webhookId);
    },
  });

  app.patch(`${base}/:webhookId`, {
    onRequest,
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Extension: change a webhook subscription (admin): URL, filters, secret, description, enabled',
      params: WebhookParams,
      body: WebhookUpdate,
      response: { 200: Webhook, ...errorResponses() },
    },
    handler: async (request) => {
      const changes = input(checkUpdate(request.body ?? null));
      return hooks.update(request.environmentId, (request.params as Params).webhookId, changes);
    },
  });

  app.delete(`${base}/:webhookId`, {
    onRequest,
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Extension: delete a webhook subscription and its delivery log (admin)',
      params: WebhookParams,
      response: { 200: Webhook, ...errorResponses() },
    },
    handler: async (request) => {
      const { webhookId } = request.params as Params;
      const existing = await hooks.get(request.environmentId, webhookId);
      await hooks.remove(request.environmentId, webhookId);
      return existing;
    },
  });

  app.post(`${base}/:webhookId/redeliver`, {
    onRequest,
    config: EXTENSION,
    schema: {
      tags,
      summary:
        'Extension: deliver again every entry after a position, and resume a failing subscription (admin)',
      params: WebhookParams,
      body: WebhookRedeliver,
      response: { 200: Webhook, ...errorResponses(410) },
    },
    handler: async (request) => {
      const { after } = checkRedeliver(request.body ?? null);
      return hooks.redeliver(request.environmentId, (request.params as Params).webhookId, Number(after));
    },
  });

  app.get(`${base}/:webhookId/deliveries`, {
    onRequest,
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Extension: the delivery log of a webhook subscription, newest first (admin)',
      params: WebhookParams,
      querystring: DeliveryQuery,
      response: { 200: WebhookDeliveryPage, ...errorResponses() },
    },
    handler: async (request) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      const limit = integer(query.limit, 100, 1, 1000, 'limit');
      const before =
        query.before === undefined ? null : integer(query.before, 0, 1, Number.MAX_SAFE_INTEGER, 'before');
      const { webhookId } = request.params as Params;
      const deliveries = await hooks.deliveries(request.environmentId, webhookId, before, limit);
      const last = deliveries[deliveries.length - 1];
      return {
        deliveries,
        next: deliveries.length === limit && last && last.number > 1 ? last.number : null,
      };
    },
  });
}

/** The engine's input from a checked body (absent fields stay absent). */
function input(body: {
  url?: string;
  filters?: WebhookFilters;
  secret?: string;
  description?: string | null;
  enabled?: boolean;
}): WebhookInput {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as WebhookInput;
}
