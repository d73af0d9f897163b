import { OnhandError } from '../domain/codes.js';
import type {
  AuthServiceOptions,
  BootstrapOptions,
  ClientCredentials,
  ClientStore,
  NewClient,
  TokenForm,
} from './auth-types.js';
import { type ClientView, isClientId } from './client-input.js';
import { ClientRegistry } from './client-registry.js';
import { generateSecret, hashSecret, verifySecret } from './secrets.js';
import { TokenCache } from './token-cache.js';
import type { Principal, TokenResponse, TokenService } from './token-service.js';

const BEARER = /^bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * Client credentials grant, bearer authentication and client management.
 *
 * Verified tokens are cached in memory (see TokenCache): a token is re-verified and its client looked up
 * again at most every 60 s and never trusted past its expiry. A revocation therefore takes effect at once
 * in the process that revoked the client and within 60 s in every other process sharing the database.
 */
export class AuthService {
  readonly #store: ClientStore;
  readonly #tokens: TokenService;
  readonly #clock: () => Date;
  readonly #cache: TokenCache;
  readonly #clients: ClientRegistry;
  #dummyHash: Promise<string> | undefined;

  constructor(options: AuthServiceOptions) {
    this.#store = options.store;
    this.#tokens = options.tokens;
    this.#clock = options.clock ?? (() => new Date());
    this.#cache = new TokenCache(options.cache);
    this.#clients = new ClientRegistry(options.store, this.#clock);
  }

  /**
   * The client credentials grant. Throws unsupported_grant_type for any other grant, and the same
   * invalid_client for a missing, unknown, revoked client or a wrong secret (no client enumeration).
   */
  async token(form: TokenForm): Promise<TokenResponse> {
    if (form.grant_type !== 'client_credentials') {
      throw new OnhandError('unsupported_grant_type', 'grant_type must be "client_credentials".');
    }
    const { client_id: clientId, client_secret: secret } = form;
    // Only a well-formed id can name a client; anything else is not even looked up.
    const client = clientId && isClientId(clientId) ? await this.#store.getClient(clientId) : undefined;
    // Hash even when the client is unknown, so response time does not tell which ids exist.
    const hash = client?.secretHash ?? (await this.#getDummyHash());
    const secretOk = await verifySecret(secret ?? '', hash);
    if (!client || !secret || !secretOk || client.revokedAt !== null) {
      throw new OnhandError('invalid_client');
    }
    return this.#tokens.issue({
      clientId: client.clientId,
      environments: client.environments,
      admin: client.admin,
    });
  }

  /**
   * Resolves the principal of an `Authorization: Bearer <token>` header (scheme in any case).
   * Throws unauthorized when the header is missing or not a bearer token, invalid_token when the token
   * does not verify or its client has been revoked or deleted.
   */
  async authenticate(authorizationHeader: string | undefined): Promise<Principal> {
    const token = authorizationHeader ? BEARER.exec(authorizationHeader.trim())?.[1] : undefined;
    if (!token) throw new OnhandError('unauthorized', 'Send "Authorization: Bearer <access token>".');
    const now = this.#clock();
    const cached = this.#cache.get(token, now);
    if (cached) return cached;
    const principal = await this.#tokens.verify(token);
    const client = await this.#store.getClient(principal.clientId);
    if (!client || client.revokedAt !== null) {
      throw new OnhandError('invalid_token', 'The client of this token has been revoked.');
    }
    this.#cache.set(token, principal, now);
    return principal;
  }

  /** True when the principal may use the environment ("*" or the id, compared case-insensitively). */
  static canUse(principal: Pick<Principal, 'environments'>, environmentId: string): boolean {
    const id = environmentId.toLowerCase();
    return principal.environments.some((env) => env === '*' || env.toLowerCase() === id);
  }

  /** Throws OnhandError('forbidden') unless the principal may use the environment. */
  requireEnvironment(principal: Principal, environmentId: string): void {
    if (!AuthService.canUse(principal, environmentId)) {
      throw new OnhandError('forbidden', `This token does not allow environment "${environmentId}".`);
    }
  }

  /** Throws OnhandError('forbidden') unless the principal is an admin client. */
  requireAdmin(principal: Principal): void {
    if (!principal.admin) throw new OnhandError('forbidden', 'This operation needs an admin client.');
  }

  /**
   * Creates a client, generating the id (`client-xxxxxxxx`) and secret when not given. Environment ids
   * are stored lower-case. Throws client_exists when the id is taken, invalid_id or
   * invalid_environment_id for malformed input. The returned secret is never stored.
   */
  createClient(input: NewClient): Promise<ClientCredentials> {
    return this.#clients.createClient(input);
  }

  /** Every client, sorted by id, without secret hashes. */
  listClients(): Promise<ClientView[]> {
    return this.#clients.listClients();
  }

  /**
   * Revokes a client: it gets no new tokens and its issued tokens are refused (in this process at once,
   * in others within 60 s). Revoking twice keeps the first revocation time. Throws client_not_found.
   */
  async revokeClient(clientId: string): Promise<ClientView> {
    const view = await this.#clients.revokeClient(clientId);
    this.#cache.forgetClient(clientId);
    return view;
  }

  /**
   * Makes `clientId` an active admin client for all environments whose secret is `secret`: creates it,
   * or repairs it (new hash when the secret no longer verifies, un-revoked, admin, all environments).
   * Idempotent: writes nothing when it is already so.
   */
  ensureAdminClient(clientId: string, secret: string): Promise<void> {
    return this.#clients.ensureAdminClient(clientId, secret);
  }

  /**
   * Start-up: with both admin settings, ensures that admin client; with neither and no client at all,
   * creates admin client "admin" and returns its generated secret for the caller to print once;
   * otherwise does nothing. Throws an Error when only one of the two is set.
   */
  bootstrap(options: BootstrapOptions): Promise<{ createdSecret?: ClientCredentials }> {
    return this.#clients.bootstrap(options);
  }

  #getDummyHash(): Promise<string> {
    this.#dummyHash ??= hashSecret(generateSecret());
    return this.#dummyHash;
  }
}
