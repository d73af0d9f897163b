import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import type { Role } from '../../domain/roles.js';
import type { WriteItem } from '../../engine/engine.js';
import { commitToken } from '../../engine/feed/feed.js';
import { failureOf, type ItemOutcome } from '../../engine/outcome.js';
import { apiVersion, type RouteDeps, requireAccess } from '../context.js';
import { type BodyStatusCodes, buckets, envelope, httpStatusOf } from '../envelope.js';
import { ApiVersionHeader, BulkResult, errorResponses, WriteError, WriteResult } from '../schemas/common.js';
import { type Validator, validator } from '../validation.js';

/** A write endpoint of the IV API, in its single and bulk forms. */
export interface WriteEndpoint<T extends TSchema> {
  /** Path of the single form, e.g. `/api/environment/:environmentId/onhand`; undefined: bulk only. */
  readonly single?: string;
  /** Path of the bulk form; undefined: single only. */
  readonly bulk?: string;
  readonly params: TObject;
  readonly item: T;
  readonly tags: string[];
  readonly summary: string;
  /** Role the token needs in the environment; default `write`. */
  readonly role?: Role;
  /** Label of the onhand_write_items_total metric. */
  readonly operation: string;
  /** Which forms are Onhand extensions rather than IV routes (they refuse unknown query parameters). */
  readonly extension?: 'both' | 'bulk';
  /** Prefix of the envelope id, e.g. `ohre~` (spec §2.3). */
  readonly idPrefix?: string;
  /** Body statusCodes of this endpoint that differ from the usual ones (see envelope.ts). */
  readonly bodyStatusCodes?: BodyStatusCodes;
  readonly apply: (request: FastifyRequest, items: WriteItem<Static<T>>[]) => Promise<ItemOutcome[]>;
}

/**
 * Registers the single and bulk routes of a write endpoint. A single write answers the envelope with
 * the HTTP status of its outcome; a bulk write answers 200 with the spec's buckets. Items are validated
 * one by one, so in a bulk only the bad items fail.
 */
export function writeRoutes<T extends TSchema>(
  app: FastifyInstance,
  deps: RouteDeps,
  endpoint: WriteEndpoint<T>,
): void {
  const check = validator(endpoint.item);
  const onRequest = requireAccess(deps.auth, { role: endpoint.role ?? 'write' });
  const count = (outcomes: readonly ItemOutcome[]) => {
    // One increment per status, not per item: a bulk request holds up to maxBulkItems items.
    const byStatus = new Map<string, number>();
    for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
    for (const [status, n] of byStatus)
      deps.metrics.writeItems.inc({ operation: endpoint.operation, status }, n);
  };
  const prefix = endpoint.idPrefix ?? '';
  if (endpoint.single) {
    app.post(endpoint.single, {
      config: { extension: endpoint.extension === 'both' },
      onRequest,
      schema: {
        tags: endpoint.tags,
        summary: endpoint.summary,
        params: endpoint.params,
        headers: ApiVersionHeader,
        body: endpoint.item,
        response: {
          200: WriteResult,
          ...errorResponses(),
          400: WriteError,
          404: WriteError,
          409: WriteError,
        },
      },
      handler: async (request, reply) => {
        apiVersion(request);
        const parsed = parseItems(request.body, check, false, deps.settings.maxBulkItems, clientOf(request));
        const [outcome] = await applyParsed(parsed, (items) => endpoint.apply(request, items));
        if (!outcome) throw new OnhandError('internal_error');
        count([outcome]);
        if (outcome.replayed) reply.header('idempotent-replayed', 'true');
        commitTokenHeader(reply, [outcome]);
        return reply
          .code(httpStatusOf(outcome) as 200)
          .send(envelope(outcome, prefix, endpoint.bodyStatusCodes));
      },
    });
  }
  if (endpoint.bulk) {
    app.post(endpoint.bulk, {
      config: { extension: endpoint.extension !== undefined },
      onRequest,
      schema: {
        tags: endpoint.tags,
        summary: `${endpoint.summary} (bulk, at most ${deps.settings.maxBulkItems} items)`,
        params: endpoint.params,
        headers: ApiVersionHeader,
        body: bulkOf(endpoint.item, deps.settings.maxBulkItems),
        response: { 200: BulkResult, ...errorResponses() },
      },
      handler: async (request, reply) => {
        apiVersion(request);
        const parsed = parseItems(request.body, check, true, deps.settings.maxBulkItems, clientOf(request));
        const outcomes = await applyParsed(parsed, (items) => endpoint.apply(request, items));
        count(outcomes);
        commitTokenHeader(reply, outcomes);
        return buckets(outcomes, prefix, endpoint.bodyStatusCodes);
      },
    });
  }
}

/**
 * The named schema of a bulk body: an array of the item's schema, named after it (`OnHandChangeBulk`),
 * its example the item's examples in one array.
 */
export function bulkOf(item: TSchema, maxItems: number): TSchema {
  const { title, examples } = item as { title?: string; examples?: unknown[] };
  return Type.Array(item, {
    ...(title ? { title: `${title}Bulk` } : {}),
    description: `At most ${maxItems} items, each handled on its own.`,
    ...(examples ? { examples: [examples] } : {}),
  });
}

type Parsed<T> = { item: WriteItem<T> } | { outcome: ItemOutcome };

/**
 * `Onhand-Commit-Token` (docs/feed.md): names the commits of the request's outcomes (a replay's is its
 * first commit), so a later request can ask for an answer that reflects them. Absent when nothing of
 * the request reached the ledger.
 */
export function commitTokenHeader(reply: FastifyReply, outcomes: readonly ItemOutcome[]): void {
  let mark: number | undefined;
  for (const o of outcomes)
    if (o.commitMark !== undefined && (mark === undefined || o.commitMark > mark)) mark = o.commitMark;
  if (mark !== undefined) reply.header('onhand-commit-token', commitToken(mark));
}

/** The client that sent the request (recorded in the ledger entries of its items). */
function clientOf(request: FastifyRequest): string | null {
  return request.principal?.clientId ?? null;
}

/**
 * Validates a single body or each item of a bulk body on its own: a bad item becomes a failure
 * outcome (nothing of it is applied) while the others go on. A bulk body that is not an array, or that
 * holds more than `maxItems` items, fails as a whole. With `clientId`, each item is marked with the
 * client that sent it (WriteItem.clientId).
 */
export function parseItems<T extends TSchema>(
  body: unknown,
  check: Validator<T>,
  bulk: boolean,
  maxItems: number,
  clientId?: string | null,
): Parsed<Static<T>>[] {
  if (!bulk) return [parseOne(body, check, '', clientId)];
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
  return body.map((raw: unknown, i) => parseOne(raw, check, `/${i}`, clientId));
}

function parseOne<T extends TSchema>(
  raw: unknown,
  check: Validator<T>,
  path: string,
  clientId: string | null | undefined,
): Parsed<Static<T>> {
  try {
    const input = check(raw, path);
    return { item: clientId === undefined ? { input, path } : { input, path, clientId } };
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
  const items: WriteItem<T>[] = [];
  for (const p of parsed) if ('item' in p) items.push(p.item);
  const results = items.length > 0 ? await apply(items) : [];
  let next = 0;
  return parsed.map((p) => ('outcome' in p ? p.outcome : (results[next++] as ItemOutcome)));
}
