import type { Store } from '../store/store.js';
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
}

/** Form fields of POST /oauth2/token. */
export interface TokenForm {
  readonly grant_type?: string | undefined;
  readonly client_id?: string | undefined;
  readonly client_secret?: string | undefined;
}

/** What to create; missing id and secret are generated. */
export interface NewClient {
  readonly clientId?: string | undefined;
  readonly secret?: string | undefined;
  readonly environments: readonly string[];
  readonly admin: boolean;
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
