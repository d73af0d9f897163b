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
  const expiresAt = new Date(Date.now() + TICKET_TTL_SECONDS * 1000).toISOString();
  await deps.store.feed.saveTicket({
    ticketHash: hashOf(ticket),
    environmentId: request.environmentId,
    clientId: request.principal?.clientId ?? '',
    expiresAt,
  });
  return ticket;
}

/**
 * Access to the SSE stream: the usual bearer token with the read role, or `?ticket=` (browsers' EventSource
 * cannot send an Authorization header, and a bearer token must never travel in a URL). A ticket works
 * once, within 60 s, in the environment it was issued for, and only while its client still holds the
 * read role there.
 */
export function streamAccess(deps: RouteDeps): AccessHook {
  const bearer = requireAccess(deps.auth, { role: 'read' });
  const hook: onRequestHookHandler = async function (request, reply) {
    const query = request.query as { ticket?: unknown };
    if (query.ticket === undefined) return bearer.call(this, request, reply, () => {});
    const environmentId = Environments.id((request.params as { environmentId?: string }).environmentId ?? '');
    const ticket = typeof query.ticket === 'string' ? query.ticket : '';
    const found = await deps.store.feed.takeTicket(hashOf(ticket), new Date().toISOString());
    const client =
      found && found.environmentId === environmentId ? await deps.store.getClient(found.clientId) : undefined;
    if (!client || client.revokedAt !== null || !roleAllows(roleIn(client.roles, environmentId), 'read')) {
      throw new OnhandError('feed_ticket_invalid');
    }
    request.environmentId = environmentId;
    const expiresAt = new Date(found?.expiresAt ?? 0);
    request.principal = { clientId: client.clientId, roles: { [environmentId]: 'read' }, expiresAt };
  };
  return Object.assign(hook, { role: 'read' as const });
}

function hashOf(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}
