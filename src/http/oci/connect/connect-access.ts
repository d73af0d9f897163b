import type { onRequestHookHandler } from 'fastify';
import type { AuthService } from '../../../auth/auth-service.js';
import type { Role } from '../../../domain/roles.js';
import type { AccessHook } from '../../context.js';
import { ConnectError } from './connect-errors.js';

/** The first API version with the OCI Connect resources (spec §7). */
export const FIRST_CONNECT_VERSION = 51;
/** The newest version accepted: a version far beyond today's is a typo, answered 404 as Salesforce does. */
export const LAST_CONNECT_VERSION = 99;

/** Checks the `v{version}` path segment: `v51.0` … `v99.0`, else 404 NOT_FOUND. */
export function checkConnectVersion(version: string | undefined): number {
  const match = /^v(\d{2})\.0$/.exec(version ?? '');
  const n = match ? Number(match[1]) : 0;
  if (n < FIRST_CONNECT_VERSION || n > LAST_CONNECT_VERSION)
    throw new ConnectError(
      404,
      'NOT_FOUND',
      `The requested resource does not exist: API version "${String(version).slice(0, 16)}" has no OCI resources (v${FIRST_CONNECT_VERSION}.0 to v${LAST_CONNECT_VERSION}.0).`,
    );
  return n;
}

/**
 * onRequest hook of a Connect REST route (docs/oci.md, "Connect REST flavour"): the API version of the
 * path, a valid Onhand bearer token, and the environment that token names. A Salesforce org token
 * stands for one org, so the path names none: the environment is the token's only one (what
 * POST /services/oauth2/token issues). A token of several environments, or of all ("*"), is refused
 * with 403: it does not say which one is meant. Tagged with its role for the route table.
 */
export function requireConnectAccess(auth: AuthService, role: Role): AccessHook {
  const hook: onRequestHookHandler = async (request) => {
    checkConnectVersion((request.params as { version?: string }).version);
    const principal = await auth.authenticate(request.headers.authorization);
    const environments = Object.keys(principal.roles);
    const environmentId = environments.length === 1 ? environments[0] : undefined;
    if (environmentId === undefined || environmentId === '*')
      throw new ConnectError(
        403,
        'INSUFFICIENT_ACCESS',
        'A Connect REST token names exactly one environment (the org); this one names several. Get one from POST /services/oauth2/token.',
      );
    auth.requireRole(principal, environmentId, role);
    request.principal = principal;
    request.environmentId = environmentId;
  };
  return Object.assign(hook, { role });
}
