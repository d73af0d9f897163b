import type { Static, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import type { OnHandInput } from '../../domain/onhand-command.js';
import type { WriteItem } from '../../engine/engine.js';
import { failureOf, type ItemOutcome } from '../../engine/outcome.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { buckets, envelope, statusCodeOf } from '../envelope.js';
import { BulkResult, EnvironmentParams, errorResponses, WriteResult } from '../schemas/common.js';
import { OnHandChange, OnHandChangeBulk, SetOnHandBulk, SetOnHandItem } from '../schemas/onhand.js';
import { type Validator, validator } from '../validation.js';

const checkChange = validator(OnHandChange);
const checkCount = validator(SetOnHandItem);

/** On-hand change events (spec §2.5) and set on-hand (spec §2.6). */
export function onHandWriteRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine, auth, metrics } = deps;
  const onRequest = requireAccess(auth, { admin: false });
  const tags = ['On-hand changes'];

  app.post('/api/environment/:environmentId/onhand', {
    onRequest,
    schema: {
      tags,
      summary: 'Post one on-hand change event',
      params: EnvironmentParams,
      body: OnHandChange,
      response: { 200: WriteResult, ...errorResponses(409) },
    },
    handler: async (request, reply) => {
      const parsed = parseItems(request.body, checkChange, false, deps.settings.maxBulkItems);
      const [outcome] = await applyParsed(parsed, (items) =>
        engine.changeOnHand(request.environmentId, items),
      );
      if (!outcome) throw new OnhandError('internal_error');
      metrics.writeItems.inc({ operation: 'onhand', status: outcome.status });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(statusCodeOf(outcome) as 200).send(envelope(outcome));
    },
  });

  app.post('/api/environment/:environmentId/onhand/bulk', {
    onRequest,
    schema: {
      tags,
      summary: 'Post up to 512 on-hand change events',
      params: EnvironmentParams,
      body: OnHandChangeBulk,
      response: { 200: BulkResult, ...errorResponses() },
    },
    handler: async (request) => {
      const parsed = parseItems(request.body, checkChange, true, deps.settings.maxBulkItems);
      const outcomes = await applyParsed(parsed, (items) =>
        engine.changeOnHand(request.environmentId, items),
      );
      for (const o of outcomes) metrics.writeItems.inc({ operation: 'onhand', status: o.status });
      return buckets(outcomes);
    },
  });

  app.post('/api/environment/:environmentId/setonhand/:inventorySystem/bulk', {
    onRequest,
    schema: {
      tags,
      summary: 'Set (override) on-hand quantities of one data source, e.g. after a count',
      params: Type.Object({ ...EnvironmentParams.properties, inventorySystem: Type.String() }),
      body: SetOnHandBulk,
      response: { 200: BulkResult, ...errorResponses() },
    },
    handler: async (request) => {
      const { inventorySystem } = request.params as { inventorySystem: string };
      const parsed = parseItems(request.body, checkCount, true, deps.settings.maxBulkItems);
      const outcomes = await applyParsed(parsed, (items) =>
        engine.setOnHand(request.environmentId, inventorySystem, items),
      );
      for (const o of outcomes) metrics.writeItems.inc({ operation: 'setonhand', status: o.status });
      return buckets(outcomes);
    },
  });
}

type Parsed<T> = { item: WriteItem<T> } | { outcome: ItemOutcome };

/**
 * Validates a single body or each item of a bulk body on its own: a bad item becomes a failure
 * outcome (nothing of it is applied) while the others go on. A bulk body that is not an array, or that
 * holds more than `maxItems` items, fails as a whole.
 */
export function parseItems<T extends TSchema>(
  body: unknown,
  check: Validator<T>,
  bulk: boolean,
  maxItems: number,
): Parsed<Static<T>>[] {
  if (!bulk) return [parseOne(body, check, '')];
  if (!Array.isArray(body)) {
    throw new OnhandError('invalid_request', 'A bulk request body must be a JSON array.', [
      { code: 'invalid_type', path: '', message: 'Expected an array.' },
    ]);
  }
  if (body.length > maxItems) {
    throw new OnhandError(
      'too_many_items',
      `A bulk request holds at most ${maxItems} items; this one holds ${body.length}.`,
    );
  }
  return body.map((raw: unknown, i) => parseOne(raw, check, `/${i}`));
}

function parseOne<T extends TSchema>(raw: unknown, check: Validator<T>, path: string): Parsed<Static<T>> {
  try {
    return { item: { input: check(raw, path), path } };
  } catch (error) {
    if (!(error instanceof OnhandError)) throw error;
    return { outcome: failureOf(idOf(raw), error) };
  }
}

/** The item's id when it has a string one (case-insensitive key), for its failure envelope. */
function idOf(raw: unknown): string {
  if (!raw || typeof raw !== 'object') return '';
  const entry = Object.entries(raw).find(([key]) => key.toLowerCase() === 'id');
  return typeof entry?.[1] === 'string' ? entry[1] : '';
}

/** Sends the valid items to the engine and merges its outcomes back into request order. */
export async function applyParsed<T>(
  parsed: readonly Parsed<T>[],
  apply: (items: WriteItem<T>[]) => Promise<ItemOutcome[]>,
): Promise<ItemOutcome[]> {
  const items = parsed.flatMap((p) => ('item' in p ? [p.item] : []));
  const results = items.length > 0 ? await apply(items) : [];
  let next = 0;
  return parsed.map((p) => ('outcome' in p ? p.outcome : (results[next++] as ItemOutcome)));
}

export type { OnHandInput };
