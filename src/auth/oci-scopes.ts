import { maxRole, type Role, roleAllows } from '../domain/roles.js';

/**
 * The OAuth scopes of the Salesforce Omnichannel Inventory (OCI) APIs (spec §1.1) mapped onto Onhand's
 * roles. Onhand's roles are ordered (availability < read < write < admin) and a token carries one role
 * per environment, so a token asked for several scopes gets the highest role they map to, never more
 * than its client holds there (docs/oci.md, "Tokens").
 *
 * Both spellings are accepted: the Account Manager's dotted names (`sfcc.inventory.availability.rw`) and
 * the Salesforce org's underscore names (`sfcc_inventory_availability_rw`).
 */
export const OCI_SCOPE_ROLES: Readonly<Record<string, Role>> = Object.freeze({
  'sfcc.inventory.availability': 'availability',
  'sfcc.inventory.availability.rw': 'write',
  'sfcc.inventory.reservations': 'read',
  'sfcc.inventory.reservations.rw': 'write',
  'sfcc.inventory.impex-inventory': 'read',
  'sfcc.inventory.impex-inventory.rw': 'write',
  'sfcc.inventory.impex-graphs': 'read',
  'sfcc.inventory.impex-graphs.rw': 'admin',
});

/** The Account Manager scope prefix that names the tenant: `SALESFORCE_COMMERCE_API:{tenant}`. */
export const TENANT_SCOPE_PREFIX = 'SALESFORCE_COMMERCE_API:';

/**
 * Identity scopes Account Manager grants to every client (`mail`, `roles`, `tenantFilter`, `profile`,
 * `openid`): clients often send them; they are accepted and left out of the token (Onhand has no user
 * identity to give).
 */
const IGNORED_SCOPES = new Set([
  'mail',
  'roles',
  'tenantfilter',
  'profile',
  'openid',
  'api',
  'refresh_token',
]);

/** The dotted name of a scope given in either spelling, or undefined when it is not an OCI scope. */
export function canonicalScope(scope: string): string | undefined {
  const lower = scope.toLowerCase();
  if (Object.hasOwn(OCI_SCOPE_ROLES, lower)) return lower;
  if (!lower.startsWith('sfcc_inventory_')) return undefined;
  // sfcc_inventory_impex_inventory_rw → sfcc.inventory.impex-inventory.rw
  const rest = lower.slice('sfcc_inventory_'.length);
  const rw = rest.endsWith('_rw');
  const name = (rw ? rest.slice(0, -3) : rest).replace(/^impex_/, 'impex-');
  const dotted = `sfcc.inventory.${name}${rw ? '.rw' : ''}`;
  return Object.hasOwn(OCI_SCOPE_ROLES, dotted) ? dotted : undefined;
}

/** What a scope string asks for. */
export interface ParsedScope {
  /** The tenant named by `SALESFORCE_COMMERCE_API:{tenant}`, or undefined. */
  readonly tenant: string | undefined;
  /** The OCI scopes asked for, dotted, in the order given, without repeats. */
  readonly scopes: readonly string[];
  /** Scopes that are neither OCI scopes, the tenant nor ignored identity scopes. */
  readonly unknown: readonly string[];
  /** More than one different tenant was named. */
  readonly tenants: number;
}

/** Splits an OAuth `scope` parameter (space-separated, RFC 6749 §3.3). */
export function parseScope(scope: string | undefined): ParsedScope {
  const scopes: string[] = [];
  const unknown: string[] = [];
  const tenants = new Set<string>();
  for (const item of (scope ?? '').split(/\s+/).filter((s) => s !== '')) {
    if (item.toUpperCase().startsWith(TENANT_SCOPE_PREFIX)) {
      tenants.add(item.slice(TENANT_SCOPE_PREFIX.length));
      continue;
    }
    const canonical = canonicalScope(item);
    if (canonical) {
      if (!scopes.includes(canonical)) scopes.push(canonical);
    } else if (!IGNORED_SCOPES.has(item.toLowerCase())) {
      unknown.push(item);
    }
  }
  const [tenant] = tenants;
  return { tenant, scopes, unknown, tenants: tenants.size };
}

/** The role a list of OCI scopes needs: the highest of theirs (undefined for none). */
export function roleForScopes(scopes: readonly string[]): Role | undefined {
  let role: Role | undefined;
  for (const scope of scopes) role = maxRole(role, OCI_SCOPE_ROLES[scope]);
  return role;
}

/** Every OCI scope (dotted) that `role` covers: what a token of that role may do, for the `scope` answer. */
export function scopesOfRole(role: Role): string[] {
  return Object.entries(OCI_SCOPE_ROLES)
    .filter(([, needed]) => roleAllows(role, needed))
    .map(([scope]) => scope);
}

/** The underscore (Salesforce org) spelling of a dotted OCI scope. */
export function underscoreScope(dotted: string): string {
  return dotted.replace(/[.-]/g, '_');
}
