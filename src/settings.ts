import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './domain/query/query-plan.js';
import type { WebhookSettings } from './engine/webhooks/webhook-ports.js';
import type { HttpSettings } from './http/context.js';
import { corsOrigins } from './http/cors.js';
import type { LogFormat } from './log-options.js';
import { type NatsSettings, natsSettings } from './nats/nats-settings.js';
import { bool, int, nonEmpty, oneOf } from './settings-values.js';

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
  /** `auto`: readable lines on a terminal, JSON otherwise (src/log-options.ts). */
  readonly logFormat: LogFormat;
  readonly bodyLimit: number;
  readonly maxBulkItems: number;
  readonly limits: QueryLimits;
  readonly tokenTtlSeconds: number;
  readonly configCacheMs: number;
  /** How long the change feed serves entries by position, days (docs/feed.md). */
  readonly feedRetentionDays: number;
  /** Hours a finished OCI export (and its file) is kept after it finished (docs/oci.md). */
  readonly ociExportRetentionHours: number;
  /** Scope states each environment's live feed stream keeps in memory. */
  readonly feedCacheScopes: number;
  /** Positions per checkpoint span of as-of queries (docs/feed.md). */
  readonly feedSpanSize: number;
  /** Stock rows availability queries keep in memory (docs/storefront.md); 0 turns it off. */
  readonly readCacheRows: number;
  /** How long a query waits for the in-memory stock to catch up before reading the database, ms. */
  readonly readWaitMs: number;
  /** The NATS relay of the feed, when a NATS server is configured (docs/feed.md, NATS JetStream). */
  readonly nats: NatsSettings | undefined;
  /** Webhook deliveries (ONHAND_WEBHOOKS_*, docs/webhooks.md). */
  readonly webhooks: WebhookSettings;
  /** How often adjustment lines not yet applied to on-hand are posted, seconds (spec §2.11: 5 minutes). */
  readonly adjustmentPostSeconds: number;
  readonly adminClientId: string | undefined;
  readonly adminClientSecret: string | undefined;
  readonly environments: readonly string[];
  /** Per-client API requests per second, per process; 0: off (default off on SQLite, 1000 on PostgreSQL). */
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  /** Token attempts per minute per client id and per IP address, per process; 0: off. */
  readonly tokenRateLimitPerMinute: number;
  readonly requestTimeoutMs: number;
  /** How long a stop (SIGTERM) waits for requests in flight before closing their connections, ms. */
  readonly shutdownTimeoutMs: number;
  /** Reverse proxies in front of the server whose X-Forwarded-For entries are trusted (0: none). */
  readonly trustProxy: number;
  /** Browser origins allowed to call the API cross-origin (ONHAND_CORS_ORIGINS). */
  readonly corsOrigins: readonly string[];
  /** The trusted external OpenID provider, when configured. */
  readonly oidc: OidcSettings | undefined;
  /** The built dashboard served at /ui; undefined: not served (ONHAND_DASHBOARD_DIR=off). */
  readonly dashboardDir: string | undefined;
}

/** Where `npm run build:ui` puts the dashboard (from src/ and from dist/ alike). */
const BUILT_DASHBOARD = fileURLToPath(new URL('../packages/dashboard/dist/', import.meta.url));

/** A trusted external OpenID provider (the ONHAND_OIDC_ISSUER group of settings). */
export interface OidcSettings {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
  readonly clientClaims: readonly string[];
  readonly jwksCacheSeconds: number;
}

/** Flags win over environment variables, which win over defaults. */
export function loadSettings(
  flags: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv,
): Settings {
  const pick = (flag: string, variable: string) => flags[flag] ?? env[variable];
  const postgres = databaseUrl(pick('database-url', 'ONHAND_DATABASE_URL')) !== undefined;
  const rate = int(
    env.ONHAND_RATE_LIMIT_PER_SECOND,
    postgres ? 1000 : 0,
    0,
    1_000_000,
    'ONHAND_RATE_LIMIT_PER_SECOND',
  );
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
    logFormat: oneOf(env.ONHAND_LOG_FORMAT, 'auto', ['auto', 'json', 'pretty'], 'ONHAND_LOG_FORMAT'),
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
    feedRetentionDays: int(env.ONHAND_FEED_RETENTION_DAYS, 7, 1, 3650, 'ONHAND_FEED_RETENTION_DAYS'),
    ociExportRetentionHours: int(
      env.ONHAND_OCI_EXPORT_RETENTION_HOURS,
      72,
      24,
      8760,
      'ONHAND_OCI_EXPORT_RETENTION_HOURS',
    ),
    feedCacheScopes: int(env.ONHAND_FEED_CACHE_SCOPES, 10_000, 0, 10_000_000, 'ONHAND_FEED_CACHE_SCOPES'),
    feedSpanSize: int(env.ONHAND_FEED_SPAN_SIZE, 10_000, 2, 10_000_000, 'ONHAND_FEED_SPAN_SIZE'),
    readCacheRows: int(env.ONHAND_READ_CACHE_ROWS, 1_000_000, 0, 100_000_000, 'ONHAND_READ_CACHE_ROWS'),
    readWaitMs: int(env.ONHAND_READ_WAIT_MS, 5000, 0, 60_000, 'ONHAND_READ_WAIT_MS'),
    nats: natsSettings(nonEmpty(pick('nats-url', 'ONHAND_NATS_URL')), env),
    webhooks: webhookSettings(env),
    adjustmentPostSeconds: int(
      env.ONHAND_ADJUSTMENT_POST_SECONDS,
      300,
      1,
      86_400,
      'ONHAND_ADJUSTMENT_POST_SECONDS',
    ),
    adminClientId: nonEmpty(env.ONHAND_ADMIN_CLIENT_ID),
    adminClientSecret: nonEmpty(env.ONHAND_ADMIN_CLIENT_SECRET),
    rateLimitPerSecond: rate,
    rateLimitBurst: int(
      env.ONHAND_RATE_LIMIT_BURST,
      Math.max(1, rate * 2),
      1,
      10_000_000,
      'ONHAND_RATE_LIMIT_BURST',
    ),
    tokenRateLimitPerMinute: int(
      env.ONHAND_TOKEN_RATE_LIMIT_PER_MINUTE,
      60,
      0,
      1_000_000,
      'ONHAND_TOKEN_RATE_LIMIT_PER_MINUTE',
    ),
    requestTimeoutMs: int(env.ONHAND_REQUEST_TIMEOUT_MS, 30_000, 0, 3_600_000, 'ONHAND_REQUEST_TIMEOUT_MS'),
    shutdownTimeoutMs: int(env.ONHAND_SHUTDOWN_TIMEOUT_MS, 5000, 0, 600_000, 'ONHAND_SHUTDOWN_TIMEOUT_MS'),
    trustProxy: proxyHops(env.ONHAND_TRUST_PROXY),
    corsOrigins: corsOrigins(env.ONHAND_CORS_ORIGINS),
    oidc: oidcSettings(env),
    dashboardDir: dashboardDir(env.ONHAND_DASHBOARD_DIR),
    environments: (env.ONHAND_ENVIRONMENTS ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== ''),
  };
}

function webhookSettings(env: NodeJS.ProcessEnv): WebhookSettings {
  return {
    allowPrivate: bool(env.ONHAND_WEBHOOKS_ALLOW_PRIVATE, false, 'ONHAND_WEBHOOKS_ALLOW_PRIVATE'),
    retryPeriodMs:
      1000 * int(env.ONHAND_WEBHOOKS_RETRY_SECONDS, 86_400, 1, 30 * 86_400, 'ONHAND_WEBHOOKS_RETRY_SECONDS'),
    timeoutMs: int(env.ONHAND_WEBHOOKS_TIMEOUT_MS, 10_000, 100, 120_000, 'ONHAND_WEBHOOKS_TIMEOUT_MS'),
    batchSize: int(env.ONHAND_WEBHOOKS_BATCH_SIZE, 100, 1, 1000, 'ONHAND_WEBHOOKS_BATCH_SIZE'),
  };
}

function dashboardDir(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (value === undefined || value === '') return BUILT_DASHBOARD;
  return ['off', 'false', 'no', '0'].includes(value.toLowerCase()) ? undefined : resolve(value);
}

function oidcSettings(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const issuer = nonEmpty(env.ONHAND_OIDC_ISSUER);
  const jwksUrl = nonEmpty(env.ONHAND_OIDC_JWKS_URL);
  const audience = nonEmpty(env.ONHAND_OIDC_AUDIENCE);
  if (!issuer && !jwksUrl && !audience) return undefined;
  if (!issuer || !jwksUrl || !audience) {
    throw new Error(
      'ONHAND_OIDC_ISSUER, ONHAND_OIDC_JWKS_URL and ONHAND_OIDC_AUDIENCE must be set together.',
    );
  }
  if (!/^https?:\/\//i.test(jwksUrl)) throw new Error('ONHAND_OIDC_JWKS_URL must be an http(s) URL.');
  const claims = (env.ONHAND_OIDC_CLIENT_CLAIMS ?? 'azp,appid,client_id')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (claims.length === 0) throw new Error('ONHAND_OIDC_CLIENT_CLAIMS must name at least one claim.');
  return {
    issuer,
    jwksUrl,
    audience,
    clientClaims: claims,
    jwksCacheSeconds: int(
      env.ONHAND_OIDC_JWKS_CACHE_SECONDS,
      600,
      0,
      86_400,
      'ONHAND_OIDC_JWKS_CACHE_SECONDS',
    ),
  };
}

/** The HTTP part of the settings, as buildApp takes it. */
export function httpSettings(settings: Settings): HttpSettings {
  const { rateLimitPerSecond: rate, rateLimitBurst: burst, tokenRateLimitPerMinute: perMinute } = settings;
  return {
    bodyLimit: settings.bodyLimit,
    maxBulkItems: settings.maxBulkItems,
    rateLimit: rate > 0 ? { ratePerSecond: rate, burst } : undefined,
    tokenRateLimit: perMinute > 0 ? { ratePerSecond: perMinute / 60, burst: perMinute } : undefined,
    requestTimeoutMs: settings.requestTimeoutMs,
    shutdownTimeoutMs: settings.shutdownTimeoutMs,
    trustProxy: settings.trustProxy,
    dashboardDir: settings.dashboardDir,
    corsOrigins: settings.corsOrigins,
  };
}

function databaseUrl(value: string | undefined): string | undefined {
  const url = nonEmpty(value);
  if (url !== undefined && !/^postgres(ql)?:\/\//i.test(url)) {
    throw new Error('The database URL (--database-url, ONHAND_DATABASE_URL) must start with postgres://.');
  }
  return url;
}

/**
 * ONHAND_TRUST_PROXY: `false` (default) or `0` trusts no proxy; `true` trusts the one reverse proxy in
 * front of the server; a number n trusts n proxies. Only the entries those proxies appended to
 * X-Forwarded-For are believed: trusting every hop would let a client pick its own address by sending
 * the header itself, and so escape the per-address limits.
 */
function proxyHops(value: string | undefined): number {
  if (value === undefined || value === '' || value.toLowerCase() === 'false') return 0;
  if (value.toLowerCase() === 'true') return 1;
  return int(value, 0, 0, 10, 'ONHAND_TRUST_PROXY (false, true or a number of proxies from 0 to 10)');
}
