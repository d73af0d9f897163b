import type { RouteOptions } from 'fastify';
import { detail, OnhandError } from '../domain/codes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * An Onhand extension route (not one of the Inventory Visibility API): a query parameter its
     * querystring schema does not declare is refused with `unknown_parameter`. The IV routes keep
     * ignoring unknown parameters, as the vendor's service does.
     */
    extension?: boolean;
  }
}

/** The route `config` of an Onhand extension route. */
export const EXTENSION = { extension: true } as const;

type Query = Readonly<Record<string, unknown>>;

/** Refuses a query parameter that is not in `allowed` (names are compared exactly). */
export function onlyParams(query: Query, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (allowed.includes(name)) continue;
    const hint =
      allowed.length > 0 ? `Allowed: ${allowed.join(', ')}.` : 'This route takes no query parameters.';
    throw new OnhandError('unknown_parameter', `Unknown query parameter "${name}". ${hint}`, [
      detail('unknown_parameter', `query:${name}`, hint),
    ]);
  }
}

/** The parameter names a route's querystring schema declares. */
export function declaredParams(route: Pick<RouteOptions, 'schema'>): string[] {
  const querystring = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(querystring?.properties ?? {});
}

/**
 * An onRoute hook: gives every extension route (config.extension) a preValidation check of its query
 * parameters against its querystring schema, so the schema, the OpenAPI document and the check agree.
 * It runs after the access check (401/403 first) and before the handler.
 */
export function guardExtensionParams(route: RouteOptions): void {
  if (route.config?.extension !== true) return;
  const allowed = declaredParams(route);
  const check = async (request: { query: unknown }) => onlyParams((request.query ?? {}) as Query, allowed);
  route.preValidation = [...[route.preValidation ?? []].flat(), check];
}
