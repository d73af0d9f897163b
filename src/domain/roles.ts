/**
 * Roles of a client, per environment. Roles are ordered: `admin` includes `write`, which includes
 * `read`, which includes `availability`. A client holds a grant table: environment id (lower-case) or "*" (every environment) → role.
 * Its role in an environment is the highest of the role granted for that environment and for "*".
 */
export const ROLES = ['availability', 'read', 'write', 'admin'] as const;

/**
 * A role: `availability` (availability queries and the feed stream only: the key a browser may hold),
 * `read` (queries), `write` (changes, reservations, allocations, schedules), `admin` (configuration, cleanup). */
export type Role = (typeof ROLES)[number];

/** Environment id (lower-case) or "*" → role. */
export type RoleGrants = Readonly<Record<string, Role>>;

const RANK: Record<Role, number> = { availability: 0, read: 1, write: 2, admin: 3 };

/** True for "availability", "read", "write" or "admin". */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/** True when a client holding `held` may do what needs `needed`. */
export function roleAllows(held: Role | undefined, needed: Role): boolean {
  return held !== undefined && RANK[held] >= RANK[needed];
}

/** The higher of two roles (undefined: none). */
export function maxRole(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** The lower of two roles (undefined: none). */
export function minRole(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (a === undefined || b === undefined) return undefined;
  return RANK[a] <= RANK[b] ? a : b;
}

/** The role `grants` give in `environmentId` (compared lower-case); "*" asks for the all-environments grant only. */
export function roleIn(grants: RoleGrants, environmentId: string): Role | undefined {
  const all = Object.hasOwn(grants, '*') ? grants['*'] : undefined;
  if (environmentId === '*') return all;
  const id = environmentId.toLowerCase();
  return maxRole(all, Object.hasOwn(grants, id) ? grants[id] : undefined);
}

/**
 * What both grant tables allow: in every environment, the lower of the two roles. Used to bound the
 * roles a token carries by the roles its client holds now.
 */
export function intersectGrants(a: RoleGrants, b: RoleGrants): RoleGrants {
  const result: Record<string, Role> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const role = minRole(roleIn(a, key), roleIn(b, key));
    if (role !== undefined) result[key] = role;
  }
  return Object.freeze(result);
}

/**
 * The grants of a client or token from before roles existed: `admin` clients are admin on their
 * environments, others may read and write there.
 */
export function legacyGrants(environments: readonly string[], admin: boolean): RoleGrants {
  const role: Role = admin ? 'admin' : 'write';
  return Object.freeze(Object.fromEntries(environments.map((env) => [env.toLowerCase(), role])));
}

/**
 * Reads a grant table from untrusted JSON (a token claim, a stored row): an object of string → role.
 * Returns undefined when it is anything else.
 */
export function parseGrants(value: unknown): RoleGrants | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const result: Record<string, Role> = {};
  for (const [key, role] of Object.entries(value)) {
    if (key === '' || !isRole(role)) return undefined;
    result[key === '*' ? '*' : key.toLowerCase()] = role;
  }
  return Object.freeze(result);
}

/** The environment ids (or "*") named in a grant table, sorted. */
export function grantedEnvironments(grants: RoleGrants): string[] {
  return Object.keys(grants).sort();
}

/** True when some environment (or "*") is granted `admin`. */
export function hasAdminGrant(grants: RoleGrants): boolean {
  return Object.values(grants).includes('admin');
}
