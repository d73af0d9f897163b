import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/token-service.js';
import { OnhandError } from '../domain/codes.js';
import type { Role } from '../domain/roles.js';
import type { Engine } from '../engine/engine.js';
import { Environments } from '../engine/environments.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';
import type { RateLimit } from './rate-limiter.js';

/** HTTP settings chosen by the operator. */
export interface HttpSettings {
  /** Largest accepted request body, bytes (413 above). */
  readonly bodyLimit: number;
  /** Most items in one bulk request (spec: 512). */
  readonly maxBulkItems: number;
  /** Per-client limit on /api/environment/… requests, per process; undefined: none. */
  readonly rateLimit?: RateLimit | undefined;
  /** Per-client-id and per-IP limit on the token endpoints, per process; undefined: none. */
  readonly tokenRateLimit?: RateLimit | undefined;
  /** Most time to receive a whole request, ms (0: none). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** How long a stop waits for requests in flight before it closes their connections, ms. Default 5 s. */
  readonly shutdownTimeoutMs?: number;
  /** How many reverse proxies' X-Forwarded-For entries to believe for the client address. Default 0. */
  readonly trustProxy?: number;
  /** The built dashboard to serve at /ui (docs/dashboard.md); undefined: none. */
  readonly dashboardDir?: string | undefined;
  /** Browser origins allowed cross-origin (ONHAND_CORS_ORIGINS; "*": any). Default none. */
  readonly corsOrigins?: readonly string[];
  /**
   * How often an idle SSE stream gets a heartbeat comment, ms. Default 15 s (feed/sse-sink.ts
   * HEARTBEAT_MS); no setting changes it: tests shorten it.
   */
  readonly feedHeartbeatMs?: number;
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

/** What a route of /api/environment/{environmentId}/… needs from the token. */
export interface AccessRule {
  /** read: queries; write: changes, reservations, allocations, schedules; admin: configuration, cleanup. */
  readonly role: Role;
}

/** An access hook, tagged with its role so the route table can be checked (test/api/route-roles.test.ts). */
export type AccessHook = onRequestHookHandler & { readonly role: Role };

/**
 * onRequest hook of every /api/environment/{environmentId}/… route: a valid bearer token is required,
 * and it must give at least `role` in the environment (tenants are walls, design.md rule 6; roles are
 * ordered read < write < admin). Sets request.principal and request.environmentId (lower-case).
 */
export function requireAccess(auth: AuthService, rule: AccessRule): AccessHook {
  const hook: onRequestHookHandler = async (request) => {
    const principal = await auth.authenticate(request.headers.authorization);
    const params = request.params as { environmentId?: string };
    const environmentId = Environments.id(params.environmentId ?? '');
    auth.requireRole(principal, environmentId, rule.role);
    request.principal = principal;
    request.environmentId = environmentId;
  };
  return Object.assign(hook, { role: rule.role });
}

/** The role an access hook (or list of hooks) of a route asks for; undefined for a public route. */
export function roleOfHooks(hooks: unknown): Role | undefined {
  const list = Array.isArray(hooks) ? hooks : [hooks];
  for (const hook of list) {
    if (typeof hook === 'function' && 'role' in hook) return (hook as AccessHook).role;
  }
  return undefined;
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
