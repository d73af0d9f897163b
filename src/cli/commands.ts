import { Environments } from '../engine/environments.js';
import { openServices, type Services, startServer } from '../main.js';
import { openStore } from '../open-store.js';
import { loadSettings } from '../settings.js';
import { runClientsCommand } from './clients-command.js';
import { runConfigCommand } from './config-command.js';
import { runExportCommand } from './export-command.js';
import { runImportCommand } from './import-command.js';
import { runKeysCommand } from './keys-command.js';
import { runLedgerFormatCommand } from './ledger-format-command.js';
import { runMigrateCommand } from './migrate-command.js';
import { runProductsCommand } from './products-command.js';

const USAGE = `Usage: onhand <command> [options]

Commands:
  serve                      Serve the API (default). Options: --port N, --host H, --data DIR,
                             --database-url postgres://… (PostgreSQL instead of the embedded SQLite),
                             --nats-url nats://host:4222 (relay the change feed to NATS JetStream)
  clients create|list|grant|ungrant|revoke
                             Manage OAuth clients and their roles (see: onhand clients help)
  keys list|rotate           List or rotate the token signing keys (see: onhand keys help)
  environments create ID     Create an environment with the default configuration
  environments list          List environments
  config show|update         Print or replace an environment's configuration (see: onhand config help)
  migrate [--citus [--shards N]]
                             Create or upgrade the database schema, then exit (serve also does it);
                             --citus also distributes the tables with Citus (docs/operations.md)
  ledger-format status|switch|convert
                             The ledger's format: switch servers to the newest, convert older
                             entries in place (docs/operations.md, Upgrades)
  export ENV [--out FILE]    Write an environment's state and ledger as NDJSON (default: stdout)
  import FILE [--environment NEWID]
                             Load an export into the store of --data / --database-url, as a new
                             environment (moving from SQLite to PostgreSQL keeps the history)
  products import FILE --env ENV
                             Load products (JSON array or NDJSON) into an environment's catalogue,
                             which product-search queries read
  help                       Show this text

Options common to all commands:
  --data DIR                 Data directory (env ONHAND_DATA_DIR, default ./data)
See docs/configuration.md for every setting.`;

/** Options of every command, read wherever they stand; no subcommand uses these names. */
const GLOBAL_WITH_VALUE = new Set(['--port', '--host', '--data', '--database-url', '--nats-url']);

/**
 * Splits argv into global flags, the command word and the command's own arguments, which are passed
 * on untouched (so `clients create --env demo` reaches the clients parser intact).
 */
export function splitArgs(argv: readonly string[]): {
  flags: Record<string, string>;
  command: string;
  rest: string[];
  help: boolean;
} {
  const flags: Record<string, string> = {};
  const rest: string[] = [];
  let command: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name = '', inline] = arg.split(/=(.*)/s, 2);
    if (GLOBAL_WITH_VALUE.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`${name} needs a value.`);
      flags[name.slice(2)] = value;
    } else if (command === undefined && (arg === '--help' || arg === '-h')) {
      help = true;
    } else if (command === undefined && !arg.startsWith('-')) {
      command = arg;
    } else if (command === undefined) {
      throw new Error(`Unknown option ${arg}.`);
    } else {
      rest.push(arg);
    }
  }
  return { flags, command: command ?? 'serve', rest, help };
}

/** Runs the `onhand` command line; returns the exit code (serve resolves once the server listens). */
export async function main(argv: string[]): Promise<number> {
  // Files Onhand creates (database, signing key) are readable by the service user only.
  process.umask(0o077);
  const { flags, command, rest, help } = splitArgs(argv);
  if (help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const settings = loadSettings(flags, process.env);
  if (command === 'serve') {
    if (rest.length > 0) throw new Error(`Unexpected arguments for serve: ${rest.join(' ')}`);
    const server = await startServer(settings);
    stopOnSignals(server.close, settings.shutdownTimeoutMs + STOP_GRACE_MS);
    return 0;
  }
  if (command === 'clients' || command === 'environments') {
    const services = await openServices(settings);
    try {
      return command === 'clients'
        ? await runClientsCommand(rest, { auth: services.auth, out: (line) => console.log(line) })
        : await environmentsCommand(rest, services);
    } finally {
      await services.store.close();
    }
  }
  if (command === 'config') {
    const services = await openServices(settings);
    try {
      return await runConfigCommand(rest, {
        environments: services.engine.environments,
        out: (line) => console.log(line),
      });
    } finally {
      await services.engine.drain();
      await services.store.close();
    }
  }
  if (command === 'products') {
    const services = await openServices(settings);
    try {
      return await runProductsCommand(rest, { engine: services.engine, out: (line) => console.log(line) });
    } finally {
      await services.engine.drain();
      await services.store.close();
    }
  }
  if (command === 'keys') {
    return runKeysCommand(rest, { dataDir: settings.dataDir, out: (line) => console.log(line) });
  }
  if (command === 'migrate') {
    const store = await openStore(settings);
    try {
      return await runMigrateCommand(rest, store, (line) => console.log(line));
    } finally {
      await store.close();
    }
  }
  if (command === 'ledger-format') {
    const store = await openStore(settings);
    try {
      return await runLedgerFormatCommand(rest, { store, out: (line) => console.log(line) });
    } finally {
      await store.close();
    }
  }
  if (command === 'export' || command === 'import') {
    const deps = { openStore: async () => (await openServices(settings)).store, stderr: process.stderr };
    return command === 'export' ? runExportCommand(rest, deps) : runImportCommand(rest, deps);
  }
  console.error(`Unknown command "${command}".\n\n${USAGE}`);
  return 2;
}

async function environmentsCommand(args: string[], services: Services): Promise<number> {
  const [sub, id] = args;
  if (sub === 'list') {
    for (const env of await services.engine.environments.list()) console.log(env);
    return 0;
  }
  if (sub === 'create' && id) {
    const created = await services.engine.environments.create(Environments.id(id));
    console.log(
      created
        ? `Created environment ${id.toLowerCase()}.`
        : `Environment ${id.toLowerCase()} already exists.`,
    );
    return 0;
  }
  console.error('Usage: onhand environments create ID | onhand environments list');
  return 2;
}

/** What a stop may take beyond the shutdown timeout: background work and the database pool closing. */
const STOP_GRACE_MS = 5000;

/**
 * Stops the server on SIGINT / SIGTERM: `close` finishes the requests in flight (for at most the
 * shutdown timeout), the background work and the database pool. A stop still unfinished after `limitMs`
 * (something waits on a database that does not answer) exits anyway, with code 1: every acknowledged
 * write is durable already, and what was not acknowledged is retried by its client.
 */
function stopOnSignals(close: () => Promise<void>, limitMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal} received: finishing requests in flight, then stopping.`);
    setTimeout(() => {
      console.error(`Still stopping after ${limitMs} ms: exiting now.`);
      process.exit(1);
    }, limitMs).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
