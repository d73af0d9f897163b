import { resolve } from 'node:path';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './domain/query/query-plan.js';

/** Everything an operator can set, from flags and environment variables (docs/configuration.md). */
export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** postgres://… to use PostgreSQL instead of the embedded SQLite file; undefined for SQLite. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly databaseStatementTimeoutMs: number;
  /** How long start-up keeps retrying an unreachable database before giving up (ms). */
  readonly databaseConnectTimeoutMs: number;
  readonly logLevel: string;
  readonly bodyLimit: number;
  readonly maxBulkItems: number;
  readonly limits: QueryLimits;
  readonly tokenTtlSeconds: number;
  readonly configCacheMs: number;
  readonly adminClientId: string | undefined;
  readonly adminClientSecret: string | undefined;
  readonly environments: readonly string[];
}

/** Flags win over environment variables, which win over defaults. */
export function loadSettings(
  flags: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv,
): Settings {
  const pick = (flag: string, variable: string) => flags[flag] ?? env[variable];
  return {
    port: int(pick('port', 'ONHAND_PORT'), 8080, 0, 65535, 'port (--port, ONHAND_PORT)'),
    host: pick('host', 'ONHAND_HOST') ?? '0.0.0.0',
    dataDir: resolve(pick('data', 'ONHAND_DATA_DIR') ?? './data'),
    databaseUrl: databaseUrl(pick('database-url', 'ONHAND_DATABASE_URL')),
    databasePoolSize: int(env.ONHAND_DATABASE_POOL_SIZE, 10, 1, 1000, 'ONHAND_DATABASE_POOL_SIZE'),
    databaseConnectTimeoutMs: int(
      env.ONHAND_DATABASE_CONNECT_TIMEOUT_MS,
      60_000,
      0,
      3_600_000,
      'ONHAND_DATABASE_CONNECT_TIMEOUT_MS',
    ),
    databaseStatementTimeoutMs: int(
      env.ONHAND_DATABASE_STATEMENT_TIMEOUT_MS,
      30_000,
      100,
      3_600_000,
      'ONHAND_DATABASE_STATEMENT_TIMEOUT_MS',
    ),
    logLevel: oneOf(
      env.ONHAND_LOG_LEVEL,
      'info',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      'ONHAND_LOG_LEVEL',
    ),
    bodyLimit: int(
      env.ONHAND_BODY_LIMIT_BYTES,
      4 * 1024 * 1024,
      1024,
      256 * 1024 * 1024,
      'ONHAND_BODY_LIMIT_BYTES',
    ),
    maxBulkItems: int(env.ONHAND_MAX_BULK_ITEMS, 512, 1, 10_000, 'ONHAND_MAX_BULK_ITEMS'),
    limits: {
      maxProducts: int(
        env.ONHAND_QUERY_MAX_PRODUCTS,
        DEFAULT_QUERY_LIMITS.maxProducts,
        1,
        1_000_000,
        'ONHAND_QUERY_MAX_PRODUCTS',
      ),
      maxSiteLocations: int(
        env.ONHAND_QUERY_MAX_SITE_LOCATIONS,
        DEFAULT_QUERY_LIMITS.maxSiteLocations,
        1,
        100_000_000,
        'ONHAND_QUERY_MAX_SITE_LOCATIONS',
      ),
      strictIndex: bool(
        env.ONHAND_QUERY_STRICT_INDEX,
        DEFAULT_QUERY_LIMITS.strictIndex,
        'ONHAND_QUERY_STRICT_INDEX',
      ),
      negativeMode: oneOf(
        env.ONHAND_QUERY_NEGATIVE_MODE,
        DEFAULT_QUERY_LIMITS.negativeMode,
        ['clamp', 'dropRow'],
        'ONHAND_QUERY_NEGATIVE_MODE',
      ),
    },
    tokenTtlSeconds: int(env.ONHAND_TOKEN_TTL_SECONDS, 3600, 60, 86_400, 'ONHAND_TOKEN_TTL_SECONDS'),
    configCacheMs: int(env.ONHAND_CONFIG_CACHE_MS, 5000, 0, 3_600_000, 'ONHAND_CONFIG_CACHE_MS'),
    adminClientId: nonEmpty(env.ONHAND_ADMIN_CLIENT_ID),
    adminClientSecret: nonEmpty(env.ONHAND_ADMIN_CLIENT_SECRET),
    environments: (env.ONHAND_ENVIRONMENTS ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== ''),
  };
}

function databaseUrl(value: string | undefined): string | undefined {
  const url = nonEmpty(value);
  if (url !== undefined && !/^postgres(ql)?:\/\//i.test(url)) {
    throw new Error('The database URL (--database-url, ONHAND_DATABASE_URL) must start with postgres://.');
  }
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function int(raw: string | undefined, fallback: number, min: number, max: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

function bool(raw: string | undefined, fallback: boolean, name: string): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false; got "${raw}".`);
}

function oneOf<T extends string>(
  raw: string | undefined,
  fallback: T,
  allowed: readonly T[],
  name: string,
): T {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!allowed.includes(raw as T))
    throw new Error(`${name} must be one of ${allowed.join(', ')}; got "${raw}".`);
  return raw as T;
}
