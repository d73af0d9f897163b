/**
 * The API areas the SDK's generated types are split into (one folder each under
 * packages/client/src/generated/), by path. The first rule that matches a path wins; a path no rule
 * matches goes to `other` (add a rule when a new area appears).
 */
const IV = String.raw`^/api/environment/\{environmentId\}`;
const CONNECT = String.raw`^/services/data/\{version\}/commerce/oci`;

const iv = (rest: string): RegExp => new RegExp(`${IV}/(${rest})(/|$)`);

const AREAS: readonly { readonly area: string; readonly match: RegExp }[] = [
  {
    area: 'auth',
    match: /^\/(\.well-known\/|\{tenantId\}\/oauth2\/|oauth2\/|token$|dwsso\/|services\/oauth2\/|api\/me$)/,
  },
  { area: 'admin', match: /^\/api\/admin\// },
  { area: 'health', match: /^\/(health\/|readyz$|metrics$)/ },
  { area: 'iv-allocation', match: iv('allocation') },
  { area: 'iv-schedules', match: iv('onhand/changeschedule') },
  { area: 'iv-reservations', match: iv('onhand/(reserve|unreserve|reservations|offset)') },
  { area: 'iv-queries', match: iv('onhand/(indexquery|exactquery|productsearch)') },
  { area: 'iv-queries', match: /^\/Copilot\// },
  { area: 'iv-onhand', match: iv('onhand|setonhand|transaction') },
  { area: 'iv-configuration', match: iv('configuration|updateEnvIdInConfig|updatePartitionSchema') },
  { area: 'iv-configuration', match: new RegExp(`${IV}$`) },
  {
    area: 'iv-partitions',
    match: iv('allpartitionids|cleanupalldata|partitions|getJobProgress|logTransactionDetails'),
  },
  { area: 'catalogue', match: iv('products') },
  { area: 'feed', match: iv('feed|ledger|snapshot|availability') },
  { area: 'webhooks', match: iv('webhooks') },
  { area: 'oci-impex', match: /^\/inventory\/impex\// },
  { area: 'oci-impex', match: new RegExp(`${CONNECT}/.*/uploads(/|$)`) },
  { area: 'oci-availability', match: /^\/inventory\/availability\// },
  { area: 'oci-availability', match: new RegExp(`${CONNECT}/availability`) },
  { area: 'oci-reservations', match: /^\/inventory\/reservation\// },
  { area: 'oci-reservations', match: new RegExp(`${CONNECT}/reservation/`) },
];

/** The area (folder) of a path. */
export function areaOf(path: string): string {
  return AREAS.find((a) => a.match.test(path))?.area ?? 'other';
}

/**
 * A short kebab-case name of a path, for file and type names: without the IV environment prefix or the
 * OCI organization prefix; the Salesforce Connect paths start with `connect`.
 */
export function shortName(path: string): string {
  const rest = path
    .replace(new RegExp(IV), '')
    .replace(/^\/inventory\/[a-z]+\/v1\/organizations\/\{organizationId\}/, '')
    .replace(new RegExp(CONNECT), '/connect');
  return kebab(rest) || 'root';
}

/** `updateEnvIdInConfig/{jobId}` → `update-env-id-in-config-job-id`. */
export function kebab(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
    .join('-');
}

/** `iv-configuration` → `IvConfiguration`. */
export function pascal(text: string): string {
  return kebab(text)
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
