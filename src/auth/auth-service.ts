import type { JWK } from 'jose';
import { fail, OnhandError } from '../domain/codes.js';
import { intersectGrants, type Role, type RoleGrants, roleAllows, roleIn } from '../domain/roles.js';
import type { ClientRecord } from '../store/store.js';
import type {
  AuthServiceOptions,
  BootstrapOptions,
  ClientCredentials,
  ClientStore,
  EntraTokenResponse,
  ExchangeForm,
  ExchangeResponse,
  NewClient,
  TokenForm,
} from './auth-types.js';
import { type ClientView, checkEnvironmentId, isClientId } from './client-input.js';
import { ClientRegistry } from './client-registry.js';
import type { ExternalIssuer } from './external-issuer.js';
import { EXTERNAL_CLIENT, generateSecret, hashSecret, verifySecret } from './secrets.js';
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
  readonly #external: ExternalIssuer | undefined;
  #dummyHash: Promise<string> | undefined;

  constructor(options: AuthServiceOptions) {
    this.#external = options.external;
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
    const client = await this.#checkCredentials(form);
    return this.#tokens.issue({ clientId: client.clientId, roles: client.roles });
  }

  /**
   * Checks client credentials as token() does (same errors) and returns the client, for the token
   * endpoints that decide the roles themselves (the OCI flows, auth/oci-tokens.ts).
   */
  verifyClient(form: TokenForm): Promise<ClientRecord> {
    return this.#checkCredentials(form);
  }

  /** Issues a token for `client` with `roles`, never more than the client holds (intersected). */
  issueWithin(client: ClientRecord, roles: RoleGrants): Promise<TokenResponse> {
    return this.#tokens.issue({ clientId: client.clientId, roles: intersectGrants(roles, client.roles) });
  }

  /**
   * Step 1 of the two-step flow (spec §2.2), in the shape of Microsoft Entra's v2.0 token endpoint:
   * the client credentials grant, answered with a client assertion for POST /token (not an API token).
   * Same errors as token().
   */
  async entraToken(form: TokenForm, tenantId: string): Promise<EntraTokenResponse> {
    const client = await this.#checkCredentials(form);
    const assertion = await this.#tokens.issueAssertion(client.clientId, tenantId);
    const ttl = String(this.#tokens.ttlSeconds);
    return { token_type: 'Bearer', expires_in: ttl, ext_expires_in: ttl, access_token: assertion };
  }

  /**
   * Step 2 (spec §2.2, the security service's POST /token): checks the body, verifies the client
   * assertion (one of ours, or one of the trusted external provider), and issues an API token limited
   * to the environment named in `context`, with the client's role there. Throws invalid_request,
   * unsupported_grant_type, invalid_client (bad or revoked assertion) or forbidden (no role there).
   */
  async exchange(form: ExchangeForm): Promise<ExchangeResponse> {
    const { grant_type: grant, client_assertion: assertion, context, context_type: contextType } = form;
    if (grant !== undefined && grant !== 'client_credentials') {
      throw new OnhandError('unsupported_grant_type', 'grant_type must be "client_credentials".');
    }
    if (contextType !== undefined && contextType.toLowerCase() !== 'finops-env') {
      fail('invalid_request', '/context_type', 'context_type must be "finops-env".');
    }
    if (!context) fail('missing_field', '/context', 'context (the environment id) is required.');
    if (!assertion) fail('missing_field', '/client_assertion', 'client_assertion is required.');
    const environmentId = checkEnvironmentId(context);
    let clientId: string;
    let external: boolean;
    try {
      ({ clientId, external } = await this.#verifyAssertion(assertion));
    } catch (error) {
      if (error instanceof OnhandError && error.code === 'invalid_token') {
        throw new OnhandError('invalid_client', `The client assertion was refused: ${error.message}`);
      }
      throw error;
    }
    const client = isClientId(clientId) ? await this.#store.getClient(clientId) : undefined;
    if (!client || client.revokedAt !== null) {
      throw new OnhandError('invalid_client', 'The client of this assertion is unknown or revoked.');
    }
    // The external provider speaks only for clients registered as its own (clients create --external):
    // a provider's client that happens to share the id of a secret-holding client gets nothing.
    if (external && client.secretHash !== EXTERNAL_CLIENT) {
      throw new OnhandError(
        'invalid_client',
        'The client of this assertion is not registered as a client of the external provider.',
      );
    }
    const role = roleIn(client.roles, environmentId);
    if (!role) {
      throw new OnhandError('forbidden', `This client may not use environment "${environmentId}".`);
    }
    const issued = await this.#tokens.issue({ clientId: client.clientId, roles: { [environmentId]: role } });
    return { access_token: issued.access_token, token_type: 'bearer', expires_in: issued.expires_in };
  }

  /** The public keys that verify Onhand's tokens (for /.well-known/jwks.json). */
  jwks(): Promise<{ keys: JWK[] }> {
    return this.#tokens.keys.jwks();
  }

  /** The client an assertion names, and whether the trusted external provider issued it. */
  async #verifyAssertion(assertion: string): Promise<{ clientId: string; external: boolean }> {
    if (this.#external?.claimsToBeFrom(assertion)) {
      return { clientId: await this.#external.verify(assertion), external: true };
    }
    return { clientId: await this.#tokens.verifyAssertion(assertion), external: false };
  }

  async #checkCredentials(form: TokenForm): Promise<ClientRecord> {
    if (form.grant_type !== 'client_credentials') {
      throw new OnhandError('unsupported_grant_type', 'grant_type must be "client_credentials".');
    }
    const { client_id: clientId, client_secret: secret } = form;
    // Only a well-formed id can name a client; anything else is not even looked up.
    const client = clientId && isClientId(clientId) ? await this.#store.getClient(clientId) : undefined;
    // Hash even when the client is unknown or external, so response time does not tell which ids exist.
    const usable = client && client.secretHash !== EXTERNAL_CLIENT ? client.secretHash : undefined;
    const secretOk = await verifySecret(secret ?? '', usable ?? (await this.#getDummyHash()));
    if (!client || !usable || !secret || !secretOk || client.revokedAt !== null) {
      throw new OnhandError('invalid_client');
    }
    return client;
  }

  /**
   * Resolves the principal of an `Authorization: Bearer <token>` header (scheme in any case).
   * Throws unauthorized when the header is missing or not a bearer token, invalid_token when the token
   * does not verify or its client has been revoked or deleted.
   */
  async authenticate(authorizationHeader: string | undefined): Promise<Principal> {
    const now = this.#clock();
    // The cache is keyed by the header in its usual form, `Bearer <token>`: such a header seen before
    // (and verified then) is neither parsed nor sliced again. Any other spelling of the same token (the
    // scheme's case, spaces) is parsed and looked up in that form, so a token has one entry however it
    // is sent; an entry expires and is forgotten on revocation as before.
    const cached = authorizationHeader ? this.#cache.get(authorizationHeader, now) : undefined;
    if (cached) return cached;
    const token = authorizationHeader ? BEARER.exec(authorizationHeader.trim())?.[1] : undefined;
    if (!token) throw new OnhandError('unauthorized', 'Send "Authorization: Bearer <access token>".');
    const key = `Bearer ${token}`;
    if (key !== authorizationHeader) {
      const known = this.#cache.get(key, now);
      if (known) return known;
    }
    const verified = await this.#tokens.verify(token);
    const client = await this.#store.getClient(verified.clientId);
    if (!client || client.revokedAt !== null) {
      throw new OnhandError('invalid_token', 'The client of this token has been revoked.');
    }
    // A token never gives more than its client holds now (roles lowered since it was issued count).
    const principal: Principal = { ...verified, roles: intersectGrants(verified.roles, client.roles) };
    this.#cache.set(key, principal, now);
    return principal;
  }

  /** True when the principal has any role in the environment (compared case-insensitively). */
  static canUse(principal: Pick<Principal, 'roles'>, environmentId: string): boolean {
    return roleIn(principal.roles, environmentId) !== undefined;
  }

  /**
   * Throws OnhandError('forbidden') unless the principal holds `role` (or a higher one) in the
   * environment. A token without any role there is told so without naming the role it lacks.
   */
  requireRole(principal: Principal, environmentId: string, role: Role): void {
    const held = roleIn(principal.roles, environmentId);
    if (held === undefined) {
      throw new OnhandError('forbidden', `This token does not allow environment "${environmentId}".`);
    }
    if (!roleAllows(held, role)) {
      throw new OnhandError('forbidden', `This operation needs the ${role} role; the token has ${held}.`);
    }
  }

  /** Sets (or with null removes) a client's role in an environment or "*"; see ClientRegistry.setRole. */
  async setRole(clientId: string, environment: string, role: Role | null): Promise<ClientView> {
    const view = await this.#clients.setRole(clientId, environment, role);
    this.#cache.forgetClient(clientId);
    return view;
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
