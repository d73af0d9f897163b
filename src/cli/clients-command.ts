import { parseArgs } from 'node:util';
import type { AuthService } from '../auth/auth-service.js';
import type { ClientView } from '../auth/client-input.js';
import { OnhandError } from '../domain/codes.js';
import { isRole, type Role } from '../domain/roles.js';

/** What `onhand clients` needs: the auth service and a line printer. */
export interface ClientsCommandDeps {
  readonly auth: AuthService;
  readonly out: (line: string) => void;
}

/** Usage text of `onhand clients`. */
export const CLIENTS_USAGE = `Usage:
  onhand clients create [--id ID] (--env ENV[,ENV...] | --all-environments)
                        [--role availability|read|write|admin | --admin] [--secret SECRET | --external]
  onhand clients grant ID ENV|* availability|read|write|admin
  onhand clients ungrant ID ENV|*
  onhand clients list
  onhand clients revoke ID

  create   Creates an OAuth client and prints its id and secret once. Without --id an id is generated;
           without --secret a strong secret is generated (preferred: --secret is visible in the process list).
           --role is its role in each environment (default write; --admin means --role admin).
           --external: the client signs in only with tokens of the trusted OpenID provider
           (ONHAND_OIDC_ISSUER and friends); its id is the provider's client id (azp/appid claim); it has no secret.
  grant    Sets the client's role in one environment ("*": every environment).
  ungrant  Removes the client's role in one environment (or "*").
  list     Lists clients with their roles (never their secrets).
  revoke   Revokes a client; its tokens stop working within 60 seconds.
  Role changes reach tokens already issued within 60 seconds (a token never exceeds its client's roles).`;

class UsageError extends Error {}

/**
 * Runs `onhand clients <create|list|revoke> …`; `args` are the words after `clients`.
 * Returns the exit code: 0 done, 1 refused (e.g. the id exists), 2 usage error (usage is printed).
 */
export async function runClientsCommand(args: string[], deps: ClientsCommandDeps): Promise<number> {
  const [subcommand, ...rest] = args;
  try {
    switch (subcommand) {
      case 'create':
        return await create(rest, deps);
      case 'list':
        positionalsOnly(rest, 0);
        return await list(deps);
      case 'revoke':
        return await revoke(rest, deps);
      case 'grant':
      case 'ungrant':
        return await grant(subcommand, rest, deps);
      case 'help':
      case '--help':
      case '-h':
        deps.out(CLIENTS_USAGE);
        return 0;
      default:
        throw new UsageError(subcommand ? `Unknown subcommand "${subcommand}".` : 'Missing subcommand.');
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      deps.out(`error: ${error.message}`);
      deps.out(CLIENTS_USAGE);
      return 2;
    }
    if (error instanceof OnhandError) {
      deps.out(`error: ${error.message} (${error.code})`);
      return 1;
    }
    throw error;
  }
}

/** Parses a subcommand that takes no options and exactly `count` positional arguments. */
function positionalsOnly(args: string[], count: number): string[] {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  if (positionals.length !== count) {
    throw new UsageError(`Expected ${count} argument(s), got ${positionals.length}.`);
  }
  return positionals;
}

async function create(args: string[], { auth, out }: ClientsCommandDeps): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      id: { type: 'string' },
      env: { type: 'string' },
      'all-environments': { type: 'boolean' },
      admin: { type: 'boolean' },
      role: { type: 'string' },
      secret: { type: 'string' },
      external: { type: 'boolean' },
    },
  });
  if (values.admin === true && values.role !== undefined)
    throw new UsageError('Give --admin or --role, not both.');
  if (values.external === true && values.secret !== undefined) {
    throw new UsageError('An --external client has no --secret.');
  }
  const role = values.role ?? (values.admin === true ? 'admin' : 'write');
  if (!isRole(role))
    throw new UsageError(`--role must be availability, read, write or admin; got "${role}".`);
  if ((values.env === undefined) === (values['all-environments'] !== true)) {
    throw new UsageError('Give either --env ENV[,ENV...] or --all-environments.');
  }
  const environments = values.env === undefined ? ['*'] : splitList(values.env);
  if (environments.length === 0) throw new UsageError('--env needs at least one environment id.');
  const created = await auth.createClient({
    clientId: values.id,
    secret: values.secret,
    environments,
    role,
    external: values.external === true,
  });
  out(`Created client ${created.clientId}`);
  out(`  client_id:     ${created.clientId}`);
  if (values.external === true) {
    out('  client_secret: (none: it signs in with tokens of the trusted OpenID provider)');
  } else if (values.secret === undefined) {
    out(`  client_secret: ${created.secret}`);
    out('The secret is shown only now and cannot be recovered: store it safely.');
  } else {
    out('  client_secret: (the one given with --secret; it is stored only as a hash)');
  }
  out(`  environments:  ${environments.includes('*') ? '* (all)' : environments.join(', ')}`);
  out(`  role:          ${role}`);
  return 0;
}

async function list({ auth, out }: ClientsCommandDeps): Promise<number> {
  const clients = await auth.listClients();
  if (clients.length === 0) {
    out('No clients.');
    return 0;
  }
  const header = ['ID', 'ROLES', 'CREATED', 'REVOKED'];
  const rows = clients.map(row);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((cells) => (cells[i] ?? '').length)),
  );
  for (const cells of [header, ...rows]) {
    out(
      cells
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
  return 0;
}

function row(client: ClientView): string[] {
  return [
    client.clientId,
    Object.entries(client.roles)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([env, role]) => `${env}=${role}`)
      .join(','),
    client.createdAt,
    client.revokedAt ?? '-',
  ];
}

async function revoke(args: string[], { auth, out }: ClientsCommandDeps): Promise<number> {
  const clientId = positionalsOnly(args, 1)[0] ?? '';
  const revoked = await auth.revokeClient(clientId);
  out(`Revoked client ${revoked.clientId} at ${revoked.revokedAt ?? ''}.`);
  out('Tokens already issued to it stop working within 60 seconds.');
  return 0;
}

async function grant(subcommand: string, args: string[], { auth, out }: ClientsCommandDeps): Promise<number> {
  const removing = subcommand === 'ungrant';
  const [clientId = '', environment = '', role = ''] = positionalsOnly(args, removing ? 2 : 3);
  if (!removing && !isRole(role))
    throw new UsageError(`The role must be availability, read, write or admin; got "${role}".`);
  const view = await auth.setRole(clientId, environment, removing ? null : (role as Role));
  out(
    removing
      ? `Client ${view.clientId} no longer has a role in ${environment}.`
      : `Client ${view.clientId} is now ${role} in ${environment}.`,
  );
  return 0;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function isParseArgsError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS_')
  );
}
