import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from './settings.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import { classifyStoreError, isStalePrepared } from './store/store-errors.js';

/**
 * The store the settings ask for: PostgreSQL when a database URL is given, else the embedded SQLite
 * file in the data directory (which also holds the signing key in both cases). `clock` stamps feed
 * times (the service's notion of now; tests pass a fake one). An unreachable
 * PostgreSQL is retried with backoff for `databaseConnectTimeoutMs`, each retry reported to `log`.
 */
export async function openStore(
  settings: Settings,
  log: (line: string) => void = console.error,
  clock: () => Date = () => new Date(),
): Promise<Store> {
  const url = settings.databaseUrl;
  if (url === undefined) {
    mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
    return SqliteStore.open({ file: join(settings.dataDir, 'onhand.db'), clock });
  }
  const options = {
    connectionString: url,
    poolSize: settings.databasePoolSize,
    statementTimeoutMs: settings.databaseStatementTimeoutMs,
    applicationName: 'onhand',
    clock,
  };
  return withRetries(
    () => PostgresStore.connect(options),
    settings.databaseConnectTimeoutMs,
    (error, delayMs) =>
      log(
        `PostgreSQL at ${redacted(url)} is not reachable (${describe(error)}); retrying in ${delayMs / 1000} s.`,
      ),
  );
}

/**
 * Calls `attempt` until it succeeds, waiting 0.5 s, 1 s, 2 s … (at most 10 s) between tries while the
 * error means "unreachable", for at most `totalMs`; then fails with a message that says what to check.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  totalMs: number,
  onRetry: (error: unknown, delayMs: number) => void,
): Promise<T> {
  const deadline = Date.now() + totalMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      return await attempt();
    } catch (error) {
      // 0A000 is also "feature not supported": not a reason to wait for the database.
      if (classifyStoreError(error) !== 'unavailable' || isStalePrepared(error)) throw error;
      if (Date.now() + delay > deadline) {
        throw new Error(
          `The database could not be reached within ${totalMs / 1000} s (${describe(error)}). Check ONHAND_DATABASE_URL and that PostgreSQL is running.`,
        );
      }
      onRetry(error, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
