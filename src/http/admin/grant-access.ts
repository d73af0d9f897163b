import type { onRequestHookHandler } from 'fastify';
import type { AuthService } from '../../auth/auth-service.js';
import { OnhandError } from '../../domain/codes.js';
import { hasAdminGrant, roleIn } from '../../domain/roles.js';
import type { AccessHook } from '../context.js';

/**
 * Which grants a route outside /api/environment/{id}/ needs:
 * - `token`: any valid token (who am I);
 * - `any-admin`: the admin role in at least one environment (creating clients within one's own grants);
 * - `all-admin`: the admin role in every environment, the "*" grant (listing environments and clients).
 */
export type GrantScope = 'token' | 'any-admin' | 'all-admin';

/** An access hook of a route outside environments, tagged with its role and scope (route-role table). */
export type GrantHook = AccessHook & { readonly scope: GrantScope };

/**
 * onRequest hook of the admin and identity routes (/api/admin/…, /api/me): a valid bearer token is
 * required (401 otherwise), with the grants `scope` names (403 forbidden otherwise). Sets
 * request.principal.
 */
export function requireGrant(auth: AuthService, scope: GrantScope): GrantHook {
  const hook: onRequestHookHandler = async (request) => {
    const principal = await auth.authenticate(request.headers.authorization);
    if (scope === 'all-admin' && roleIn(principal.roles, '*') !== 'admin') {
      throw new OnhandError('forbidden', 'This operation needs the admin role in every environment ("*").');
    }
    if (scope === 'any-admin' && !hasAdminGrant(principal.roles)) {
      throw new OnhandError('forbidden', 'This operation needs the admin role in an environment.');
    }
    request.principal = principal;
  };
  return Object.assign(hook, { role: scope === 'token' ? 'read' : 'admin', scope } as const);
}

/** The scope of a grant hook among a route's hooks; undefined when it has none. */
export function scopeOfHooks(hooks: unknown): GrantScope | undefined {
  const list = Array.isArray(hooks) ? hooks : [hooks];
  for (const hook of list) {
    if (typeof hook === 'function' && 'scope' in hook) return (hook as GrantHook).scope;
  }
  return undefined;
}
