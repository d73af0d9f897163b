import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { AuthService } from './auth/auth-service.js';
import { ExternalIssuer } from './auth/external-issuer.js';
import { KeyRing } from './auth/key-ring.js';
import { AesSecretBox } from './auth/secret-box.js';
import { TokenService } from './auth/token-service.js';
import { Engine } from './engine/engine.js';
import { Environments } from './engine/environments.js';
import { FeedRelay } from './engine/relay/feed-relay.js';
import { HttpSender } from './engine/webhooks/http-sender.js';
import type { AttemptReport } from './engine/webhooks/webhook-ports.js';
import { buildApp } from './http/app.js';
import { toJson } from './http/json.js';
import { Metrics } from './http/metrics.js';
import { logWebhookAttempt } from './http/webhooks/attempt-log.js';
import { effectiveLogFormat, loggerOptions } from './log-options.js';
import { connectNats } from './nats/nats-transport.js';
import { openStore } from './open-store.js';
import { httpSettings, type Settings } from './settings.js';
import type { Store } from './store/store.js';

/** The wired-up parts of a running service. */
export interface Services {
  readonly store: Store;
  readonly auth: AuthService;
  readonly engine: Engine;
}

const systemClock = () => new Date();

/**
 * The composition root: the only place that picks concrete implementations. Opens the store in the
 * data directory, migrates it, and wires auth and engine.
 */
export async function openServices(
  settings: Settings,
  clock: () => Date = systemClock,
  onBackgroundError: (error: unknown) => void = (error) => console.error(error),
  onWebhookAttempt?: (report: AttemptReport) => void,
): Promise<Services> {
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(settings, console.error, clock);
  await store.migrate();
  await store.feed.start(onBackgroundError);
  const keys = await KeyRing.open(settings.dataDir, clock);
  const tokens = new TokenService({ keys, ttlSeconds: settings.tokenTtlSeconds, clock });
  const external = settings.oidc
    ? new ExternalIssuer({
        issuer: settings.oidc.issuer,
        jwksUrl: settings.oidc.jwksUrl,
        audience: settings.oidc.audience,
        clientClaims: settings.oidc.clientClaims,
        cacheMaxAgeMs: settings.oidc.jwksCacheSeconds * 1000,
        clock,
      })
    : undefined;
  const auth = new AuthService({ store, tokens, clock, external });
  const engine = new Engine({
    store,
    clock,
    limits: settings.limits,
    configTtlMs: settings.configCacheMs,
    onBackgroundError,
    feedRetentionMs: settings.feedRetentionDays * 24 * 3600 * 1000,
    ociExportRetentionMs: settings.ociExportRetentionHours * 3600 * 1000,
    feedCacheScopes: settings.feedCacheScopes,
    feedSpanSize: settings.feedSpanSize,
    readCacheRows: settings.readCacheRows,
    readWaitMs: settings.readWaitMs,
    webhooks: {
      secrets: await AesSecretBox.open(settings.dataDir),
      sender: new HttpSender(settings.webhooks.allowPrivate),
      settings: settings.webhooks,
      encode: toJson,
      ...(onWebhookAttempt ? { onAttempt: onWebhookAttempt } : {}),
    },
    adjustmentPostMs: settings.adjustmentPostSeconds * 1000,
  });
  return { store, auth, engine };
}

/** A running server and how to stop it gracefully. */
export interface Server {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the HTTP server: ensures the admin client and environments asked for by the settings, runs
 * the start-up sweeps (expired reservations, due change schedules), then listens. `clock` is the
 * service's notion of now (tests pass a fake one). `close()` stops accepting connections, finishes requests in flight, waits for queued writes
 * to commit, and closes the database.
 */
export async function startServer(
  settings: Settings,
  print: (line: string) => void = console.log,
  clock: () => Date = systemClock,
): Promise<Server> {
  let logError = (error: unknown) => console.error(error);
  let logAttempt = (_report: AttemptReport) => {};
  const services = await openServices(
    settings,
    clock,
    (error) => logError(error),
    (report) => logAttempt(report),
  );
  const { store, auth, engine } = services;
  const metrics = new Metrics();
  const app = await buildApp(
    {
      engine,
      auth,
      store,
      metrics,
      settings: httpSettings(settings),
    },
    {
      logger:
        settings.logLevel === 'silent'
          ? false
          : loggerOptions(
              settings.logLevel,
              effectiveLogFormat(settings.logFormat, process.stdout.isTTY === true),
            ),
    },
  );
  logError = (error) => app.log.error({ err: error }, 'background work failed');
  logAttempt = (report) => logWebhookAttempt(app.log, report);
  let relay: FeedRelay | undefined;
  try {
    await bootstrap(settings, services, app, print);
    await engine.expiry.start();
    // Catches up on every day the server was down before it serves a request.
    await engine.rollover.start();
    engine.checkpointer.start();
    relay = natsRelay(settings, services, clock, (error) => logError(error));
    relay?.start();
    engine.webhookDispatcher.start();
    // Runs stored jobs, resuming those a stopped process left unfinished once their lease has ended.
    engine.jobRunner.start();
    engine.adjustmentPoster.start();
    engine.ociExportRetention.start();
    const url = await app.listen({ port: settings.port, host: settings.host });
    return {
      app,
      url,
      close: async () => {
        // First, while the store is open: the relay saves its progress and hands its leases back.
        await relay?.stop();
        await app.close();
        await engine.drain();
        await store.close();
      },
    };
  } catch (error) {
    await relay?.stop();
    await app.close();
    await engine.drain();
    await store.close();
    throw error;
  }
}

/** The NATS relay of the change feed (docs/feed.md), on the stream and subjects the settings name. */
function natsRelay(
  settings: Settings,
  services: Services,
  clock: () => Date,
  onError: (error: unknown) => void,
): FeedRelay | undefined {
  const nats = settings.nats;
  if (!nats) return undefined;
  return new FeedRelay({
    store: services.store,
    feed: services.engine.feed,
    clock,
    onError,
    connect: () => connectNats(nats.url),
    stream: nats.stream,
    subjectPrefix: nats.subjectPrefix,
    maxAgeMs: settings.feedRetentionDays * 24 * 3600 * 1000,
    duplicateWindowMs: nats.duplicateWindowSeconds * 1000,
    maxInFlight: nats.maxInFlight,
    toJson,
  });
}

async function bootstrap(
  settings: Settings,
  services: Services,
  app: FastifyInstance,
  print: (line: string) => void,
): Promise<void> {
  const { createdSecret } = await services.auth.bootstrap({
    adminClientId: settings.adminClientId,
    adminClientSecret: settings.adminClientSecret,
  });
  if (createdSecret) {
    app.log.info(
      { clientId: createdSecret.clientId },
      'created the first admin client; its secret is printed once',
    );
    print('');
    print('  First start: an admin client was created. Its secret is shown only now; keep it safe.');
    print(`    client_id:     ${createdSecret.clientId}`);
    print(`    client_secret: ${createdSecret.secret}`);
    print('');
  }
  for (const raw of settings.environments) {
    const id = Environments.id(raw);
    if (await services.engine.environments.create(id))
      app.log.info({ environmentId: id }, 'created environment');
  }
}
