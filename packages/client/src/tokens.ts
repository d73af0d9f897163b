import { errorOf } from './errors.js';

/** Where the client's bearer tokens come from. */
export type Credentials =
  /** Client credentials: the client asks `POST /oauth2/token` and refreshes before expiry. */
  | { readonly clientId: string; readonly clientSecret: string }
  /** A token, or a function that returns a current one (the caller refreshes it). */
  | { readonly token: string | (() => string | Promise<string>) };

/** Refresh this long before the expiry, or a tenth of the lifetime when that is shorter. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * Holds a bearer token for the client: obtained with client credentials and renewed before it expires
 * (one request at a time however many calls need it), or supplied by the caller.
 */
export class TokenSource {
  #token: string | undefined;
  #renewAt = 0;
  #pending: Promise<string> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: Credentials,
    private readonly fetchImpl: typeof fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid for a while yet. */
  async get(): Promise<string> {
    if ('token' in this.credentials) {
      const { token } = this.credentials;
      return typeof token === 'string' ? token : token();
    }
    if (this.#token !== undefined && this.now() < this.#renewAt) return this.#token;
    this.#pending ??= this.#fetchToken(this.credentials).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets the token (the server refused it): the next get() asks for a new one. */
  invalidate(): void {
    this.#token = undefined;
    this.#renewAt = 0;
  }

  async #fetchToken(credentials: { clientId: string; clientSecret: string }): Promise<string> {
    const started = this.now();
    const response = await this.fetchImpl(`${this.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }).toString(),
    });
    const text = await response.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) throw errorOf(response.status, body, text);
    const { access_token: token, expires_in: expiresIn } = body as {
      access_token: string;
      expires_in: number;
    };
    const lifetimeMs = Number(expiresIn) * 1000;
    this.#token = token;
    this.#renewAt = started + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10);
    return token;
  }
}
