import type { Role, RoleGrants } from '../domain/roles.js';
import type { Store } from '../store/store.js';
import type { ExternalIssuer } from './external-issuer.js';
import type { TokenCacheOptions } from './token-cache.js';
import type { TokenService } from './token-service.js';

/** The part of the Store the auth module uses. */
export type ClientStore = Pick<Store, 'getClient' | 'listClients' | 'createClient' | 'updateClient'>;

/** Dependencies of an AuthService. */
export interface AuthServiceOptions {
  readonly store: ClientStore;
  readonly tokens: TokenService;
  /** Defaults to the system clock; should be the same clock the TokenService uses. */
  readonly clock?: () => Date;
  /** Tuning of the verified-token cache (trust window, size). */
  readonly cache?: TokenCacheOptions;
  /** A trusted external OpenID provider whose tokens POST /token accepts as client assertions. */
  readonly external?: ExternalIssuer | undefined;
}

/** Answer of POST /{tenantId}/oauth2/v2.0/token, as Microsoft Entra gives it (spec §2.2: string lifetimes). */
export interface EntraTokenResponse {
  readonly token_type: 'Bearer';
  readonly expires_in: string;
  readonly ext_expires_in: string;
  readonly access_token: string;
}

/** Answer of POST /token (spec §2.2). */
export interface ExchangeResponse {
  readonly access_token: string;
  readonly token_type: 'bearer';
  readonly expires_in: number;
}

/** Form fields of POST /oauth2/token. */
export interface TokenForm {
  readonly grant_type?: string | undefined;
  readonly client_id?: string | undefined;
  readonly client_secret?: string | undefined;
}

/** Body of POST /token (spec §2.2), keys already lower-cased. */
export interface ExchangeForm {
  readonly grant_type?: string | undefined;
  readonly client_assertion_type?: string | undefined;
  readonly client_assertion?: string | undefined;
  readonly scope?: string | undefined;
  readonly context?: string | undefined;
  readonly context_type?: string | undefined;
}

/** What to create; missing id and secret are generated. */
export interface NewClient {
  readonly clientId?: string | undefined;
  readonly secret?: string | undefined;
  readonly environments: readonly string[];
  /** Shorthand for role "admin" (when `role` is not given). */
  readonly admin?: boolean;
  /** Role in each of `environments`; default write (admin when `admin`). */
  readonly role?: Role;
  /** A role per environment (or "*"): replaces `environments`, `role` and `admin` when given. */
  readonly roles?: RoleGrants;
  /** Authenticates only with tokens of the trusted external provider: no secret. */
  readonly external?: boolean;
}

/** A client id with its secret in clear text: shown once to whoever created it, never stored. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly secret: string;
}

/** Admin credentials from the environment (ONHAND_ADMIN_CLIENT_ID / ONHAND_ADMIN_CLIENT_SECRET). */
export interface BootstrapOptions {
  readonly adminClientId?: string | undefined;
  readonly adminClientSecret?: string | undefined;
}
