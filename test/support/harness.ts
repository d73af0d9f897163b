import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/domain/roles.js';
import { buildApp } from '../../src/http/app.js';
import type { HttpSettings } from '../../src/http/context.js';
import { Metrics } from '../../src/http/metrics.js';
import { openServices, type Services } from '../../src/main.js';
import { httpSettings, loadSettings, type Settings } from '../../src/settings.js';
import { type Backend, createTestDatabase } from './backends.js';
import { acquireCitusSchema } from './citus-pool.js';

/** A whole Onhand app in-process on a real SQLite database in a temporary directory. */
export interface Harness {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly settings: Settings;
  readonly adminToken: string;
  /** Issues a token for a new client limited to `environments` (admin false: write there). */
  tokenFor(environments: readonly string[], admin?: boolean): Promise<string>;
  /** Issues a token for a new client holding `role` in each of `environments`. */
  tokenWithRole(environments: readonly string[], role: Role): Promise<string>;
  /** Sends a request with the admin token unless `token` is given (null: no Authorization header). */
  request(
    method: string,
    url: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
  readonly rawBody?: string;
}

export const ADMIN_ID = 'test-admin';
export const ADMIN_SECRET = 'test-admin-secret-0123456789abcdef';

/** Starts a harness; `env` sets ONHAND_* variables (e.g. limits); `environments` are created. */
export async function startHarness(
  options: {
    env?: Record<string, string>;
    environments?: readonly string[];
    clock?: () => Date;
    /**
     * The store: the embedded SQLite file (default), a fresh PostgreSQL database, or a fresh schema
     * distributed on the Citus cluster.
     */
    backend?: Backend;
    /** HTTP settings over those of `env` (e.g. feedHeartbeatMs, which no setting changes). */
    http?: Partial<HttpSettings>;
  } = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onhand-test-'));
  // The api-on-postgres and api-on-citus projects (vitest.config.ts) name their backend.
  const named = process.env.ONHAND_TEST_BACKEND;
  const backend = options.backend ?? (named === 'postgres' || named === 'citus' ? named : 'sqlite');
  const database =
    backend === 'citus'
      ? await acquireCitusSchema()
      : backend === 'postgres'
        ? await createTestDatabase()
        : undefined;
  const settings = loadSettings(
    { data: dataDir },
    {
      ONHAND_LOG_LEVEL: 'silent',
      ...(database ? { ONHAND_DATABASE_URL: database.url } : {}),
      ...options.env,
    },
  );
  const services = await openServices(settings, options.clock);
  await services.auth.ensureAdminClient(ADMIN_ID, ADMIN_SECRET);
  for (const env of options.environments ?? ['test']) await services.engine.environments.create(env);
  const app = await buildApp(
    {
      ...services,
      metrics: new Metrics(),
      settings: { ...httpSettings(settings), ...options.http },
    },
    { logger: false },
  );
  const issue = async (clientId: string, secret: string) =>
    (
      await services.auth.token({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      })
    ).access_token;
  const adminToken = await issue(ADMIN_ID, ADMIN_SECRET);
  return {
    app,
    services,
    settings,
    adminToken,
    tokenFor: async (environments, admin = false) => {
      const created = await services.auth.createClient({ environments, admin });
      return issue(created.clientId, created.secret);
    },
    tokenWithRole: async (environments, role) => {
      const created = await services.auth.createClient({ environments, role });
      return issue(created.clientId, created.secret);
    },
    request: (method, url, body, requestOptions = {}) => {
      const token = requestOptions.token === undefined ? adminToken : requestOptions.token;
      const headers: Record<string, string> = { ...requestOptions.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const payload = requestOptions.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
      if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      return app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload === undefined ? {} : { payload }),
      });
    },
    close: async () => {
      await app.close();
      await services.engine.drain();
      await services.store.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A T-shirt on-hand change event like the spec's example (spec §2.5). */
export function tshirtEvent(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    organizationId: 'usmf',
    productId: 'T-shirt',
    dimensionDataSource: 'pos',
    dimensions: { siteId: '1', locationId: '11', posMachineId: '0001', colorId: 'red' },
    quantities: { pos: { inbound: 1 } },
    ...overrides,
  };
}
