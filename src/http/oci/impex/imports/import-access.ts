import type { onRequestHookHandler } from 'fastify';
import type { AuthService } from '../../../../auth/auth-service.js';
import type { Role } from '../../../../domain/roles.js';
import { Environments } from '../../../../engine/environments.js';
import type { AccessHook } from '../../../context.js';

/**
 * onRequest hook of an OCI route: a bearer token giving `role` in the environment the path's
 * organizationId names (the OCI organization is the Onhand environment; tenants are walls). Sets
 * request.principal and request.environmentId. Tagged with its role for the route table.
 */
export function requireOciAccess(auth: AuthService, role: Role): AccessHook {
  const hook: onRequestHookHandler = async (request) => {
    const principal = await auth.authenticate(request.headers.authorization);
    const { organizationId } = request.params as { organizationId?: string };
    const environmentId = Environments.id(organizationId ?? '');
    auth.requireRole(principal, environmentId, role);
    request.principal = principal;
    request.environmentId = environmentId;
  };
  return Object.assign(hook, { role });
}
