#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { OnhandError } from '../domain/codes.js';
import { Environments } from '../engine/environments.js';
import { openServices, type Services, startServer } from '../main.js';
import { loadSettings } from '../settings.js';
import { runClientsCommand } from './clients-command.js';

const USAGE = `Usage: onhand <command> [options]

Commands:
  serve                      Serve the API (default). Options: --port N, --host H, --data DIR
  clients create|list|revoke Manage OAuth clients (see: onhand clients help)
  environments create ID     Create an environment with the default configuration
  environments list          List environments
  help                       Show this text

Options common to all commands:
  --data DIR                 Data directory (env ONHAND_DATA_DIR, default ./data)
See docs/configuration.md for every setting.`;

/** Runs the `onhand` command line; returns the exit code (serve resolves once the server listens). */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: false,
  });
  const flags = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]),
  ) as Record<string, string | undefined>;
  const [command = 'serve', ...rest] = positionals;
  if (values.help === true || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const settings = loadSettings(flags, process.env);
  if (command === 'serve') {
    const server = await startServer(settings);
    stopOnSignals(server.close);
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

function stopOnSignals(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal} received: finishing requests in flight, then stopping.`);
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

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof OnhandError) console.error(`onhand: ${error.message}`);
    else console.error(`onhand: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
