import {
  grantedEnvironments,
  hasAdminGrant,
  legacyGrants,
  parseGrants,
  type RoleGrants,
} from '../domain/roles.js';
import type { ClientRecord } from './store.js';

/**
 * The stored form of a client's roles, shared by both backends: the `roles` JSON column, plus the
 * `environments` list and `admin` flag derived from it, which releases before roles existed read.
 */
export function clientColumns(c: ClientRecord): { roles: string; environments: string; admin: boolean } {
  return {
    roles: JSON.stringify(c.roles),
    environments: JSON.stringify(grantedEnvironments(c.roles)),
    admin: hasAdminGrant(c.roles),
  };
}

/**
 * The roles of a stored client: the `roles` column, or, for a row written by an older release (NULL or
 * unreadable), its environment list and admin flag (admin clients: admin there; others: write).
 */
export function rolesOfRow(roles: unknown, environments: unknown, admin: boolean): RoleGrants {
  const parsed = parseGrants(typeof roles === 'string' ? safeParse(roles) : roles);
  if (parsed) return parsed;
  const list = typeof environments === 'string' ? safeParse(environments) : environments;
  const envs = Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string') : [];
  return legacyGrants(envs, admin);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
