import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/token-service.js';
import { OnhandError } from '../domain/codes.js';
import type { Engine } from '../engine/engine.js';
import { Environments } from '../engine/environments.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** HTTP settings chosen by the operator. */
export interface HttpSettings {
  /** Largest accepted request body, bytes (413 above). */
  readonly bodyLimit: number;
  /** Most items in one bulk request (spec: 512). */
  readonly maxBulkItems: number;
}

/** What routes need; built once in main.ts and passed to buildApp. */
export interface RouteDeps {
  readonly engine: Engine;
  readonly auth: AuthService;
  readonly store: Store;
  readonly metrics: Metrics;
  readonly settings: HttpSettings;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    environmentId: string;
  }
}

/**
 * onRequest hook of every /api/environment/{environmentId}/… route: a valid bearer token is required,
 * and it must allow the environment (tenants are walls, design.md rule 6); `admin` routes also need an
 * admin client. Sets request.principal and request.environmentId (normalised, lower-case).
 */
export function requireAccess(auth: AuthService, options: { admin: boolean }): onRequestHookHandler {
  return async (request) => {
    const principal = await auth.authenticate(request.headers.authorization);
    const params = request.params as { environmentId?: string };
    const environmentId = Environments.id(params.environmentId ?? '');
    auth.requireEnvironment(principal, environmentId);
    if (options.admin) auth.requireAdmin(principal);
    request.principal = principal;
    request.environmentId = environmentId;
  };
}

/** The Api-Version header: "1.0" when absent (spec §2.1); "1.0" or "2.0" otherwise. */
export function apiVersion(request: FastifyRequest): 1 | 2 {
  const raw = request.headers['api-version'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (value === undefined || value === '' || value === '1.0' || value === '1') return 1;
  if (value === '2.0' || value === '2') return 2;
  throw new OnhandError('invalid_request', `Api-Version "${value}" is not supported; use 1.0 or 2.0.`, [
    { code: 'invalid_request', path: 'header:Api-Version', message: 'Use 1.0 or 2.0.' },
  ]);
}
