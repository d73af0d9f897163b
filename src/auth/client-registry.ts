import { OnhandError } from '../domain/codes.js';
import { isRole, type Role } from '../domain/roles.js';
import type { ClientRecord } from '../store/store.js';
import type { BootstrapOptions, ClientCredentials, ClientStore, NewClient } from './auth-types.js';
import {
  ALL_ENVIRONMENTS,
  type ClientView,
  checkClientId,
  checkSecret,
  normalizeEnvironments,
  toClientView,
} from './client-input.js';
import { EXTERNAL_CLIENT, generateClientId, generateSecret, hashSecret, verifySecret } from './secrets.js';

function checkRole(role: string): Role {
  if (!isRole(role))
    throw new OnhandError('invalid_request', `Role "${role}" must be availability, read, write or admin.`);
  return role;
}

/** One role in each of the client's environments. */
function uniformGrants(input: NewClient): Record<string, Role> {
  const role = checkRole(input.role ?? (input.admin ? 'admin' : 'write'));
  return Object.fromEntries(normalizeEnvironments(input.environments).map((env) => [env, role]));
}

/** A grant table with checked environment ids (lower-cased) and roles; at least one entry. */
function checkGrants(grants: Readonly<Record<string, string>>): Record<string, Role> {
  const entries = Object.entries(grants).map(([env, role]) => [
    env === '*' ? '*' : (normalizeEnvironments([env])[0] as string),
    checkRole(role),
  ]);
  if (entries.length === 0) {
    throw new OnhandError(
      'invalid_environment_id',
      'A client needs at least one environment (or "*" for all).',
    );
  }
  return Object.fromEntries(entries);
}

/**
 * Creates, lists and revokes OAuth clients in the store, and ensures the admin client at start-up.
 * Secrets are hashed before they reach the store; views handed out never carry the hash.
 * AuthService exposes these operations; use it rather than this class directly.
 */
export class ClientRegistry {
  readonly #store: ClientStore;
  readonly #clock: () => Date;

  constructor(store: ClientStore, clock: () => Date) {
    this.#store = store;
    this.#clock = clock;
  }

  /** See AuthService.createClient. */
  async createClient(input: NewClient): Promise<ClientCredentials> {
    const clientId = checkClientId(input.clientId ?? generateClientId());
    if (input.external && input.secret !== undefined) {
      throw new OnhandError('invalid_request', 'An external client has no secret.');
    }
    const secret = input.secret === undefined ? generateSecret() : checkSecret(input.secret);
    const roles = input.roles ? checkGrants(input.roles) : uniformGrants(input);
    const record: ClientRecord = {
      clientId,
      secretHash: input.external ? EXTERNAL_CLIENT : await hashSecret(secret),
      roles,
      createdAt: this.#clock().toISOString(),
      revokedAt: null,
    };
    if (!(await this.#store.createClient(record))) {
      throw new OnhandError('client_exists', `A client with id "${clientId}" already exists.`);
    }
    return input.external ? { clientId, secret: '' } : { clientId, secret };
  }

  /**
   * Sets the client's role in one environment (or "*"), or removes it (role null). Throws
   * client_not_found, invalid_environment_id; refuses to leave a client without any environment.
   */
  async setRole(clientId: string, environment: string, role: Role | null): Promise<ClientView> {
    const client = await this.#store.getClient(clientId);
    if (!client) throw new OnhandError('client_not_found', `No client has id "${clientId}".`);
    const [env] = normalizeEnvironments([environment]);
    const roles: Record<string, Role> = { ...client.roles };
    if (role === null) delete roles[env as string];
    else roles[env as string] = checkRole(role);
    if (Object.keys(roles).length === 0) {
      throw new OnhandError('invalid_request', 'A client keeps at least one environment; revoke it instead.');
    }
    const updated: ClientRecord = { ...client, roles };
    if (!(await this.#store.updateClient(updated))) {
      throw new OnhandError('client_not_found', `No client has id "${clientId}".`);
    }
    return toClientView(updated);
  }

  /** See AuthService.listClients. */
  async listClients(): Promise<ClientView[]> {
    const clients = await this.#store.listClients();
    return clients.map(toClientView).sort((a, b) => compare(a.clientId, b.clientId));
  }

  /** See AuthService.revokeClient. */
  async revokeClient(clientId: string): Promise<ClientView> {
    const client = await this.#store.getClient(clientId);
    if (!client) throw new OnhandError('client_not_found', `No client has id "${clientId}".`);
    if (client.revokedAt !== null) return toClientView(client);
    const revoked: ClientRecord = { ...client, revokedAt: this.#clock().toISOString() };
    if (!(await this.#store.updateClient(revoked))) {
      throw new OnhandError('client_not_found', `No client has id "${clientId}".`);
    }
    return toClientView(revoked);
  }

  /** See AuthService.ensureAdminClient. */
  async ensureAdminClient(clientId: string, secret: string): Promise<void> {
    checkClientId(clientId);
    checkSecret(secret);
    let existing = await this.#store.getClient(clientId);
    if (!existing) {
      try {
        await this.createClient({ clientId, secret, environments: ALL_ENVIRONMENTS, admin: true });
        return;
      } catch (error) {
        // Another process created it between our read and our insert: repair that one instead.
        if (!(error instanceof OnhandError && error.code === 'client_exists')) throw error;
        existing = await this.#store.getClient(clientId);
        if (!existing) throw error;
      }
    }
    const secretOk = await verifySecret(secret, existing.secretHash);
    const roleKeys = Object.keys(existing.roles);
    const adminEverywhere = roleKeys.length === 1 && existing.roles['*'] === 'admin';
    if (secretOk && existing.revokedAt === null && adminEverywhere) return;
    await this.#store.updateClient({
      ...existing,
      secretHash: secretOk ? existing.secretHash : await hashSecret(secret),
      roles: { '*': 'admin' },
      revokedAt: null,
    });
  }

  /** See AuthService.bootstrap. */
  async bootstrap(options: BootstrapOptions): Promise<{ createdSecret?: ClientCredentials }> {
    const { adminClientId: id, adminClientSecret: secret } = options;
    if (id && secret) {
      await this.ensureAdminClient(id, secret);
      return {};
    }
    if (id || secret) {
      const missing = id ? 'ONHAND_ADMIN_CLIENT_SECRET' : 'ONHAND_ADMIN_CLIENT_ID';
      throw new Error(
        `ONHAND_ADMIN_CLIENT_ID and ONHAND_ADMIN_CLIENT_SECRET must be set together; ${missing} is missing.`,
      );
    }
    if ((await this.#store.listClients()).length > 0) return {};
    try {
      const created = await this.createClient({
        clientId: 'admin',
        environments: ALL_ENVIRONMENTS,
        admin: true,
      });
      return { createdSecret: created };
    } catch (error) {
      // Another process bootstrapped at the same moment; that one prints the secret.
      if (error instanceof OnhandError && error.code === 'client_exists') return {};
      throw error;
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
