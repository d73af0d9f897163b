import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import { roleAllows, roleIn } from '../../domain/roles.js';
import { Environments } from '../../engine/environments.js';
import { type AccessHook, type RouteDeps, requireAccess } from '../context.js';

/** How long a feed ticket can be redeemed. */
export const TICKET_TTL_SECONDS = 60;

/** A new single-use ticket for the caller's client in the request's environment (POST …/feed/tickets). */
export async function issueTicket(deps: RouteDeps, request: FastifyRequest): Promise<string> {
  const ticket = randomBytes(24).toString('base64url');
  const expiresAt = new Date(deps.engine.clock().getTime() + TICKET_TTL_SECONDS * 1000).toISOString();
  await deps.store.feed.saveTicket({
    ticketHash: hashOf(ticket),
    environmentId: request.environmentId,
    clientId: request.principal?.clientId ?? '',
    expiresAt,
  });
  return ticket;
}

/**
 * Access to the SSE stream: the usual bearer token with the availability role (or higher), or `?ticket=`
 * (browsers' EventSource cannot send an Authorization header, and a bearer token must never travel in a
 * URL). A ticket works once, within 60 s, in the environment it was issued for, and only while its client
 * still holds a role there (times by the service's clock, as tokens' are). The principal carries the client's role, so the stream can redact entries
 * for availability-only clients (redactedFor).
 */
export function streamAccess(deps: RouteDeps): AccessHook {
  const bearer = requireAccess(deps.auth, { role: 'availability' });
  const hook: onRequestHookHandler = async function (request, reply) {
    const query = request.query as { ticket?: unknown };
    if (query.ticket === undefined) return bearer.call(this, request, reply, () => {});
    const environmentId = Environments.id((request.params as { environmentId?: string }).environmentId ?? '');
    const ticket = typeof query.ticket === 'string' ? query.ticket : '';
    const found = await deps.store.feed.takeTicket(hashOf(ticket), deps.engine.clock().toISOString());
    const client =
      found && found.environmentId === environmentId ? await deps.store.getClient(found.clientId) : undefined;
    const role = client && client.revokedAt === null ? roleIn(client.roles, environmentId) : undefined;
    if (!client || role === undefined || !roleAllows(role, 'availability')) {
      throw new OnhandError('feed_ticket_invalid');
    }
    request.environmentId = environmentId;
    const expiresAt = new Date(found?.expiresAt ?? 0);
    request.principal = { clientId: client.clientId, roles: { [environmentId]: role }, expiresAt };
  };
  return Object.assign(hook, { role: 'availability' as const });
}

/**
 * True when the request's client may see availability only (role `availability`): its stream carries
 * positions, kinds, times, partitions and availability, never event ids, client ids, references or
 * the stored deltas (an order id in an event id is not for a storefront's visitors).
 */
export function redactedFor(request: FastifyRequest): boolean {
  const roles = request.principal?.roles ?? {};
  return !roleAllows(roleIn(roles, request.environmentId), 'read');
}

function hashOf(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}
